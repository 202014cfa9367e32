// The recall scope of a signal subject's batches (contract/risk.graphql): the batch itself, every batch of a
// product, or every batch an enterprise produced; then every batch downstream within 10 INPUT_TO hops (the
// contract's maxDepth) and every enterprise a shipment of an affected batch went to.
CALL () {
  MATCH (b:Batch {id: $subjectId})
  WHERE $subjectKind = 'batch'
  RETURN b
  UNION
  MATCH (:Product {id: $subjectId})<-[:OF_PRODUCT]-(b:Batch)
  WHERE $subjectKind = 'product'
  RETURN b
  UNION
  MATCH (:Enterprise {id: $subjectId})-[:PRODUCED]->(b:Batch)
  WHERE $subjectKind = 'enterprise'
  RETURN b
}
MATCH (b)-[:INPUT_TO*0..10]->(affected:Batch)
WITH DISTINCT affected
OPTIONAL MATCH (s:Shipment)-[:CARRIES]->(affected), (s)-[:TO]->(consignee:Enterprise)
RETURN count(DISTINCT affected) AS affectedBatches, count(DISTINCT consignee) AS consignees
