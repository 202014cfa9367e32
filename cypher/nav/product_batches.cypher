// The batches of each product, by batch id.
UNWIND $ids AS id
MATCH (p:Product {id: id})
CALL (p) {
  MATCH (b:Batch)-[:OF_PRODUCT]->(p)
  RETURN b.id AS batch ORDER BY batch LIMIT $limit
}
RETURN id AS parent, batch
