// risk_signal records -> (:RiskSignal) nodes ABOUT exactly one batch, product or enterprise. The record replaces
// the node's properties (last write wins), all but its incident, which risk/link_incidents keeps; only a created or
// changed signal has its subject rewritten and its incident found again.
UNWIND $rows AS row
MERGE (n:RiskSignal {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash, incidentId: n.incidentId, incidentPending: n.incidentPending}
WITH n, row, before
CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  CALL (n) {
    OPTIONAL MATCH (n)-[old:ABOUT]->()
    DELETE old
  }
  CALL (n, row) {
    MATCH (t:Batch {id: row.subjectBatch})
    CREATE (n)-[:ABOUT]->(t)
  }
  CALL (n, row) {
    MATCH (t:Product {id: row.subjectProduct})
    CREATE (n)-[:ABOUT]->(t)
  }
  CALL (n, row) {
    MATCH (t:Enterprise {id: row.subjectEnterprise})
    CREATE (n)-[:ABOUT]->(t)
  }
  SET n.incidentPending = true  // its incident is (re)found after the import (risk/link_incidents)
}
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
