// shipment records -> (:Shipment) nodes with their batch, sender and consignee. The record replaces the node's
// properties (last write wins); only a created or changed shipment has its relationships rewritten (in this same
// transaction). Its pair of parties before and after is recorded, in the same transaction, in a (:TiesToRefresh)
// work item, so the trade tie each pair may have gained or lost is recomputed (graph/contagion.refresh_pending_ties)
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
  WITH n, b, f, t, collect(old) AS olds,
       head(collect(CASE WHEN type(old) = 'FROM' THEN target.id END)) AS oldFrom,
       head(collect(CASE WHEN type(old) = 'TO' THEN target.id END)) AS oldTo
  FOREACH (r IN olds | DELETE r)
  CREATE (n)-[:CARRIES]->(b)
  CREATE (n)-[:FROM]->(f)
  CREATE (n)-[:TO]->(t)
  RETURN [[f.id, t.id]] + CASE WHEN oldFrom IS NULL OR oldTo IS NULL THEN [] ELSE [[oldFrom, oldTo]] END AS touched
}
WITH row, before, touched
WITH sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
     sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
     sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged,
     collect(touched) AS touchedLists
// One work item per transaction, not a mark on each enterprise: hub enterprises stay unlocked.
CALL (touchedLists) {
  UNWIND touchedLists AS touched
  UNWIND touched AS pair
  WITH DISTINCT pair
  WITH collect(pair[0]) AS pairFrom, collect(pair[1]) AS pairTo
  WHERE size(pairFrom) > 0
  CREATE (:TiesToRefresh {pairFrom: pairFrom, pairTo: pairTo})
}
RETURN created, updated, unchanged
