// A plan's failed tests within its period: the report, the lot, its product and producer, the lab, by testedAt
// then report id; at most $limit (the regulators' view; the public results carry only counts).
MATCH (r:TestReport)-[:SERVES]->(:MonitoringPlan {id: $planId})
WHERE r.result = 'FAIL' AND $fromMs <= r.testedAtMs AND r.testedAtMs < $untilMs
MATCH (r)-[:TESTED]->(b:Batch)-[:OF_PRODUCT]->(p:Product)
MATCH (e:Enterprise)-[:PRODUCED]->(b)
OPTIONAL MATCH (l:Lab)-[:ISSUED]->(r)
WITH r, b, p, e, l ORDER BY r.testedAtMs, r.id
LIMIT $limit
RETURN r.id AS report, b.id AS batch, p.id AS product, e.id AS producer, l.id AS lab, r.planTarget AS target,
       r.stage AS stage, r.testedAt AS testedAt
