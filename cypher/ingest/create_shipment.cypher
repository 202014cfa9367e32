// shipment records the import knows to be new (ingest/stored_hashes found no node for them) -> (:Shipment) nodes
// with their batch, sender and consignee, created rather than merged: no lookup of an existing node or of old
// relationships to replace. Should another writer create one of them after that read, the uniqueness constraint
// fails this statement and the import upserts the chunk instead (graph/ingest/write.py). As upsert_shipment,
// the pairs of parties are recorded in one (:TiesToRefresh) work item in this transaction (no lock on hub
// enterprises).
UNWIND $rows AS row
CREATE (n:Shipment)
WITH n, row, row.props AS props
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row
OPTIONAL CALL (n, row) {
  MATCH (b:Batch {id: row.batch})
  MATCH (f:Enterprise {id: row.from})
  MATCH (t:Enterprise {id: row.to})
  CREATE (n)-[:CARRIES]->(b)
  CREATE (n)-[:FROM]->(f)
  CREATE (n)-[:TO]->(t)
  RETURN [[f.id, t.id]] AS touched
}
WITH count(n) AS created, collect(touched) AS touchedLists
CALL (touchedLists) {
  UNWIND touchedLists AS touched
  UNWIND touched AS pair
  WITH DISTINCT pair
  WITH collect(pair[0]) AS pairFrom, collect(pair[1]) AS pairTo
  WHERE size(pairFrom) > 0
  CREATE (:TiesToRefresh {pairFrom: pairFrom, pairTo: pairTo})
}
RETURN created, 0 AS updated, 0 AS unchanged
