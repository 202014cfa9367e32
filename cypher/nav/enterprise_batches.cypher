// The batches each enterprise produced, by batch id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[:PRODUCED]->(b:Batch)
  WITH b.id AS batch, [b.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN batch, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, batch, key
