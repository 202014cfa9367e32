// The lots each batch was made from, with the quantity used (one hop upstream).
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (i:Batch)-[r:INPUT_TO]->(b)
  RETURN i.id AS batchId, r.quantity AS quantity ORDER BY batchId LIMIT $limit
}
RETURN id AS parent, batchId, quantity
