// monitoring_plan records -> (:MonitoringPlan) nodes (targets as JSON, see graph/monitoring/plans.py) with the
// agencies responsible, (:Agency)-[:RESPONSIBLE_FOR]->(plan). The record replaces the node's properties (last
// write wins); only a created or changed plan has its agency relationships rewritten.
UNWIND $rows AS row
MERGE (n:MonitoringPlan {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row, before
CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  CALL (n) {
    OPTIONAL MATCH (:Agency)-[old:RESPONSIBLE_FOR]->(n)
    DELETE old
  }
  CALL (n, row) {
    UNWIND row.agencies AS agencyId
    MATCH (a:Agency {id: agencyId})
    CREATE (a)-[:RESPONSIBLE_FOR]->(n)
  }
}
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
