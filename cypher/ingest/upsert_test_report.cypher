// test_report records -> (:TestReport) nodes with the lab that issued them and the batch they tested. The record
// replaces the node's properties (last write wins); only a created or changed report has its relationships
// rewritten (in this same transaction). A report that names its monitoring plan SERVES it (the plan's target and
// stage are the report's planTarget and stage properties).
UNWIND $rows AS row
MERGE (n:TestReport {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row, before
CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  MATCH (l:Lab {id: row.lab})
  MATCH (b:Batch {id: row.batch})
  CALL (n) {
    OPTIONAL MATCH (n)-[old:TESTED]->()
    DELETE old
  }
  CALL (n) {
    OPTIONAL MATCH ()-[old:ISSUED]->(n)
    DELETE old
  }
  CALL (n) {
    OPTIONAL MATCH (n)-[old:SERVES]->(:MonitoringPlan)
    DELETE old
  }
  CALL (n, row) {
    MATCH (p:MonitoringPlan {id: row.plan})
    CREATE (n)-[:SERVES]->(p)
  }
  CREATE (l)-[:ISSUED]->(n)
  CREATE (n)-[:TESTED]->(b)
}
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
