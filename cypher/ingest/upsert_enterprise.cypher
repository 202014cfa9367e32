// enterprise records -> (:Enterprise) nodes. creditGrade is derived, not copied: the declared grade,
// lowered by any blacklist listing (RECORDS.md: a listing sets DISHONEST unless already lower, or
// SERIOUSLY_DISHONEST when serious), so re-importing an enterprise never lifts a listing's effect.
// $grades lists the grades best first.
UNWIND $rows AS row
MERGE (n:Enterprise {id: row.id})
WITH n, row, n._hash AS before
SET n = row.props, n.id = row.id, n._hash = row.hash
WITH n, row, before
CALL (n) {
  OPTIONAL MATCH (entry:BlacklistEntry)-[:AGAINST]->(n)
  RETURN max(CASE WHEN entry IS NULL THEN 0 WHEN entry.serious THEN 4 ELSE 3 END) AS listed
}
WITH n, row, before, reduce(r = listed, i IN range(0, size($grades) - 1) |
       CASE WHEN $grades[i] = n.declaredGrade AND i > r THEN i ELSE r END) AS rank
SET n.creditGrade = $grades[rank]
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
