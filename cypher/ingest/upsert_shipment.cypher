// shipment records -> (:Shipment) nodes with their batch, sender and consignee. The record replaces the node's
// properties (last write wins); only a created or changed shipment has its relationships rewritten (in this same
// transaction). Its parties before and after are recorded, in the same transaction, in a (:TiesToRefresh) work
// item, so the trade ties they may have gained or lost are recomputed (graph/contagion.refresh_pending_ties)
// even if this import is interrupted and run again.
UNWIND $rows AS row
MERGE (n:Shipment {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row, before
OPTIONAL CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  MATCH (b:Batch {id: row.batch})
  MATCH (f:Enterprise {id: row.from})
  MATCH (t:Enterprise {id: row.to})
  OPTIONAL MATCH (n)-[old:CARRIES|FROM|TO]->(target)
  WITH n, b, f, t, collect(old) AS olds, collect(CASE WHEN type(old) <> 'CARRIES' THEN target.id END) AS parties
  FOREACH (r IN olds | DELETE r)
  CREATE (n)-[:CARRIES]->(b)
  CREATE (n)-[:FROM]->(f)
  CREATE (n)-[:TO]->(t)
  RETURN parties + [f.id, t.id] AS touched
}
WITH row, before, touched
WITH sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
     sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
     sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged,
     collect(touched) AS touchedLists
// One work item per transaction, not a mark on each enterprise: hub enterprises stay unlocked.
CALL (touchedLists) {
  UNWIND touchedLists AS touched
  UNWIND touched AS id
  WITH collect(DISTINCT id) AS touched
  WHERE size(touched) > 0
  CREATE (:TiesToRefresh {enterprises: touched})
}
RETURN created, updated, unchanged
