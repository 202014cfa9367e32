// Monitoring plans by id, with the agencies responsible (names, for the plan's page and its public results).
// One row per id asked; a missing plan is a null plan. Bounded by $ids (the caller's list).
UNWIND $ids AS id
OPTIONAL MATCH (p:MonitoringPlan {id: id})
OPTIONAL MATCH (a:Agency)-[:RESPONSIBLE_FOR]->(p)
WITH id, p, a ORDER BY a.id
WITH id, p, collect(a {.id, .name, .kind}) AS agencies
OPTIONAL MATCH (pub:PlanPublication)-[:PUBLISHES]->(p)
RETURN id, CASE WHEN p IS NULL THEN null ELSE p {.*, agencyRefs: agencies,
       publishedAtMs: pub.publishedAtMs, publishedBy: pub.publishedBy} END AS plan
