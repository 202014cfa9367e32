// enterprise records -> (:Enterprise) nodes. The record replaces the node's properties (last write wins),
// except the credit state the service owns (graph/credit.py): the effective and standing grades, the declared
// grade already taken into account, and when the grade was last evaluated. A new enterprise starts at its
// declared grade; a changed declared grade is taken into account by the grade evaluation after the import.
// Lock first: the first SET takes the node's write lock before anything is read, so the credit state (and the
// hash) carried over are the ones committed last, never a copy read while a grade change was committing.
// Deadlocks avoided: rows are sorted by id (concurrent writers lock enterprises in one order), and the id is
// kept in the map that replaces the properties rather than set again after it (re-adding the unique id would
// need the index entry's exclusive lock while grade changes hold it shared, waiting for the node's lock).
UNWIND $rows AS row
WITH row ORDER BY row.id
MERGE (n:Enterprise {id: row.id})
SET n._locked = true
WITH n, row, row.props AS props, n._hash AS before,
     n {.creditGrade, .standingGrade, .declaredGradeSeen, .creditCheckedAtMs} AS credit
SET n = props {.*, id: row.id, _hash: row.hash}
SET n.creditGrade = coalesce(credit.creditGrade, row.props.declaredGrade),
    n.standingGrade = coalesce(credit.standingGrade, row.props.declaredGrade),
    n.declaredGradeSeen = coalesce(credit.declaredGradeSeen, row.props.declaredGrade),
    n.creditCheckedAtMs = credit.creditCheckedAtMs
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
