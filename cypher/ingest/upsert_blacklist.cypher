// blacklist records -> (:BlacklistEntry) nodes. The record replaces the node's properties (last write wins),
// except a lifting, which is a regulator's act and outlives a re-import of the listing.
UNWIND $rows AS row
MERGE (n:BlacklistEntry {id: row.id})
WITH n, row, n._hash AS before, n {.liftedAtMs, .liftedBy, .liftReason} AS lifted
SET n = row.props, n.id = row.id, n._hash = row.hash
SET n += lifted
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
