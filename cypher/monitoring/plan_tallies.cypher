// A plan's test reports, tallied per (target, stage): how many tested and failed within the plan's period
// [$fromMs, $untilMs), and how many fell outside it. One row per (target, stage) the reports name: bounded by the
// plan's targets and stages, and by $limit against reports naming targets the plan lacks (the aggregation reads
// each report once).
MATCH (r:TestReport)-[:SERVES]->(:MonitoringPlan {id: $planId})
WITH r, $fromMs <= r.testedAtMs AND r.testedAtMs < $untilMs AS inPeriod
RETURN r.planTarget AS target, r.stage AS stage,
       count(CASE WHEN inPeriod THEN 1 END) AS tested,
       count(CASE WHEN inPeriod AND r.result = 'FAIL' THEN 1 END) AS failed,
       count(CASE WHEN NOT inPeriod THEN 1 END) AS outsidePeriod
ORDER BY target, stage
LIMIT $limit
