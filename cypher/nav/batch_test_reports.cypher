// The test reports on each batch, by testedAt (the instant) then id, with the issuing lab's id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (r:TestReport)-[:TESTED]->(b)
  WITH r, [r.testedAtMs, r.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN r, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, r {.id, .result, .testedAt, .items, labId: [(l)-[:ISSUED]->(r) | l.id][0], batchId: id} AS report, key
