// Port-control hits of a warning (contract/risk.graphql): IMPORT or EXPORT shipments of a batch its targets
// match, shipped on or after effectiveFrom and before liftedAt, by shippedAt then id; none while a proposed grade
// I or II awaits its confirmation (not `enforced`: effectiveFrom is then the confirmation). Each target kind finds its
// batches through an index (ids, HS-code prefix, origin country); the facts let the caller say what matched.
MATCH (w:RiskWarning {id: $id})
WHERE coalesce(w.enforced, true)
CALL (w) {
  MATCH (b:Batch) WHERE b.id IN w.batchIds RETURN b
  UNION
  MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch) WHERE p.id IN w.productIds RETURN b
  UNION
  MATCH (e:Enterprise)-[:PRODUCED]->(b:Batch) WHERE e.id IN w.enterpriseIds RETURN b
  UNION
  UNWIND w.hsCodePrefixes AS prefix
  MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch) WHERE p.hsCode STARTS WITH prefix RETURN b
  UNION
  MATCH (b:Batch) WHERE b.originCountry IN w.originCountries RETURN b
}
MATCH (s:Shipment)-[:CARRIES]->(b)
WHERE s.direction IN ['IMPORT', 'EXPORT'] AND s.shippedAtMs >= w.effectiveFromMs
  AND (w.liftedAtMs IS NULL OR s.shippedAtMs < w.liftedAtMs)
MATCH (p:Product)<-[:OF_PRODUCT]-(b)<-[:PRODUCED]-(e:Enterprise)
MATCH (s)-[:FROM]->(sender:Enterprise)
MATCH (s)-[:TO]->(consignee:Enterprise)
RETURN s {.*, batchId: b.id, fromId: sender.id, toId: consignee.id} AS shipment,
       b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, b.originCountry AS originCountry
ORDER BY s.shippedAtMs, s.id
LIMIT $limit
