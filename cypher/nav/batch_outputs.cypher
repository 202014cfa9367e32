// The lots each batch went into, with the quantity used (one hop downstream), by batch id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (b)-[r:INPUT_TO]->(o:Batch)
  WITH o.id AS batchId, r.quantity AS quantity, [o.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN batchId, quantity, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, batchId, quantity, key
