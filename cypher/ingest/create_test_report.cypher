// test_report records the import knows to be new (ingest/stored_hashes found no node for them) -> (:TestReport)
// nodes with the lab that issued them, the batch they tested and the monitoring plan they serve, if any; created
// rather than merged: no lookup of an existing node or of old relationships to replace. Should another writer
// create one of them after that read, the uniqueness constraint fails this statement and the import upserts the
// chunk instead (graph/ingest/write.py).
UNWIND $rows AS row
CREATE (n:TestReport)
WITH n, row, row.props AS props
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row
CALL (n, row) {
  MATCH (l:Lab {id: row.lab})
  MATCH (b:Batch {id: row.batch})
  CREATE (l)-[:ISSUED]->(n)
  CREATE (n)-[:TESTED]->(b)
  WITH n, row
  MATCH (p:MonitoringPlan {id: row.plan})
  CREATE (n)-[:SERVES]->(p)
}
RETURN count(n) AS created, 0 AS updated, 0 AS unchanged
