// A blacklist entry's enterprise and listing agency, as the record now states them. Returns the enterprises
// whose grade the listing may affect: the one listed now and any it was moved away from.
UNWIND $rows AS row
MATCH (entry:BlacklistEntry {id: row.id})
MATCH (e:Enterprise {id: row.enterprise})
CALL (entry) {
  OPTIONAL MATCH (entry)-[old:AGAINST|BY]->(target)
  DELETE old
  RETURN collect(CASE WHEN type(old) = 'AGAINST' THEN target.id END) AS previous
}
MERGE (entry)-[:AGAINST]->(e)
WITH entry, e, row, previous
CALL (entry, row) {
  MATCH (a:Agency {id: row.agency})
  MERGE (entry)-[:BY]->(a)
}
UNWIND previous + [e.id] AS affected
RETURN collect(DISTINCT affected) AS enterprises
