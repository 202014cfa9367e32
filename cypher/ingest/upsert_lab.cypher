// lab records -> (:Lab) nodes. The record replaces the node's properties (last write wins), and the lab's
// status history grows: statusHistory[i] held from statusSinceMs[i] (the record's statusSince, else the time
// the import saw the status change). Reports issued while a lab was not ACTIVE are flagged from it.
// Lock first (as upsert_enterprise): the history carried over is the one committed last, never a stale copy.
UNWIND $rows AS row
WITH row ORDER BY row.id
MERGE (n:Lab {id: row.id})
SET n._locked = true
WITH n, row, row.props AS props, n._hash AS before, coalesce(n.statusHistory, []) AS statuses, coalesce(n.statusSinceMs, []) AS since
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row, before, statuses, since, size(statuses) = 0 OR statuses[-1] <> row.props.status AS changed
SET n.statusHistory = CASE WHEN changed THEN statuses + row.props.status ELSE statuses END,
    n.statusSinceMs = CASE
      WHEN changed THEN since + coalesce(row.statusSinceMs, $now)
      WHEN row.statusSinceMs IS NOT NULL THEN since[..-1] + row.statusSinceMs
      ELSE since END
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
