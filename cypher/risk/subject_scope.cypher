// The recall scope of a signal subject's batches (contract/risk.graphql): the batch itself, every batch of a
// product, or every batch an enterprise produced; then every batch downstream within $maxDepth INPUT_TO hops (the
// contract's 10, graph/risk/assessment.py SCOPE_DEPTH) and every enterprise a shipment of an affected batch went to.
// As in recall/recall_scope: the literal 50 is the contract's largest depth, and min(length(p)) lets the planner
// run a breadth-first pruning expand that visits each batch once.
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
MATCH p = (b)-[:INPUT_TO*0..50]->(affected:Batch)
WITH affected, min(length(p)) AS depth
WHERE depth <= $maxDepth
OPTIONAL MATCH (s:Shipment)-[:CARRIES]->(affected), (s)-[:TO]->(consignee:Enterprise)
RETURN count(DISTINCT affected) AS affectedBatches, count(DISTINCT consignee) AS consignees
