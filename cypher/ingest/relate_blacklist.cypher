// A blacklist entry's enterprise and listing agency; the listing lowers the enterprise's credit grade
// to DISHONEST (SERIOUSLY_DISHONEST when serious) unless it is already lower. $grades: best first.
UNWIND $rows AS row
MATCH (entry:BlacklistEntry {id: row.id})
MATCH (e:Enterprise {id: row.enterprise})
CALL (entry) {
  OPTIONAL MATCH (entry)-[old:AGAINST|BY]->()
  DELETE old
}
MERGE (entry)-[:AGAINST]->(e)
WITH entry, e, row
CALL (entry, row) {
  MATCH (a:Agency {id: row.agency})
  MERGE (entry)-[:BY]->(a)
}
// One grade change per enterprise: rows listing the same enterprise would otherwise each read the grade
// before any of them set it, and the last row (not the worst listing) would win.
WITH e, max(CASE WHEN row.serious THEN 4 ELSE 3 END) AS listed
WITH e, listed, [i IN range(0, size($grades) - 1) WHERE $grades[i] = e.creditGrade][0] AS current
SET e.creditGrade = $grades[CASE WHEN coalesce(current, 2) > listed THEN current ELSE listed END]
RETURN count(e) AS related
