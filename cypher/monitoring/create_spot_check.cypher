// A proposed spot check: a node of its own, linked to its plan and its lot (graph/monitoring/sampling.py owns
// its shape; its score components are JSON).
MATCH (p:MonitoringPlan {id: $check.planId})
MATCH (b:Batch {id: $check.batchId})
CREATE (c:SpotCheck)
SET c = $check
CREATE (c)-[:UNDER]->(p)
CREATE (c)-[:OF_LOT]->(b)
RETURN c {.*} AS check
