// The lots each batch was made from, with the quantity used (one hop upstream), by batch id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (i:Batch)-[r:INPUT_TO]->(b)
  WITH i.id AS batchId, r.quantity AS quantity, [i.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN batchId, quantity, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, batchId, quantity, key
