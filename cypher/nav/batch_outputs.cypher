// The lots each batch went into, with the quantity used (one hop downstream).
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (b)-[r:INPUT_TO]->(o:Batch)
  RETURN o.id AS batchId, r.quantity AS quantity ORDER BY batchId LIMIT $limit
}
RETURN id AS parent, batchId, quantity
