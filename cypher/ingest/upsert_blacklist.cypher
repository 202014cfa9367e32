// blacklist records -> (:BlacklistEntry) nodes AGAINST an enterprise, BY an agency. The record replaces the node's
// properties (last write wins), except a lifting and a pending lifting (four eyes: a serious listing's lifting
// awaits a second officer), which are regulators' acts and outlive a re-import. Only a
// created or changed listing has its relationships rewritten (in this same transaction). Returns the enterprises a
// changed listing was moved away from: their grades are evaluated again with those of every listed enterprise.
// Lock first: the first SET takes the node's write lock before the lifting is read, so a lifting that commits
// meanwhile is carried over, not overwritten by a copy read before it. Rows sorted by id (one lock order), and the
// id kept in the replacing map rather than set again (as in upsert_enterprise: no exclusive index-entry lock).
UNWIND $rows AS row
WITH row ORDER BY row.id
MERGE (n:BlacklistEntry {id: row.id})
SET n._locked = true
WITH n, row, row.props AS props, n._hash AS before, n {.liftedAtMs, .liftedBy, .liftReason, .liftRequestedAtMs, .liftRequestedBy, .liftRequestReason} AS lifted
SET n = props {.*, id: row.id, _hash: row.hash}
SET n += lifted
WITH n, row, before
OPTIONAL CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  MATCH (e:Enterprise {id: row.enterprise})
  OPTIONAL MATCH (n)-[old:AGAINST|BY]->(target)
  WITH n, e, row, collect(old) AS olds,
       collect(CASE WHEN type(old) = 'AGAINST' AND target <> e THEN target.id END) AS previous
  FOREACH (r IN olds | DELETE r)
  CREATE (n)-[:AGAINST]->(e)
  WITH n, row, previous
  CALL (n, row) {
    MATCH (a:Agency {id: row.agency})
    CREATE (n)-[:BY]->(a)
  }
  RETURN previous
}
WITH row, before, previous
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged,
       reduce(ids = [], moved IN collect(previous) | ids + moved) AS movedFrom
