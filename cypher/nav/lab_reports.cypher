// The reports each lab issued, by testedAt (the instant) then id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (l:Lab {id: id})
CALL (l) {
  MATCH (l)-[:ISSUED]->(r:TestReport)
  WITH r, [r.testedAtMs, r.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN r, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, r {.id, .result, .testedAt, .items, labId: id, batchId: [(r)-[:TESTED]->(b) | b.id][0]} AS report, key
