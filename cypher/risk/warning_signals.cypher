// Signals on a warning's targets (for its evaluation): about a batch the targets match, a targeted product or a
// product under a targeted HS-code prefix, or a targeted enterprise; by receivedAt then id, each with its incident
// (duplicates of one incident count once).
MATCH (w:RiskWarning {id: $id})
CALL (w) {
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
  MATCH (s:RiskSignal)-[:ABOUT]->(b)
  RETURN s
  UNION
  MATCH (s:RiskSignal)-[:ABOUT]->(p:Product) WHERE p.id IN w.productIds RETURN s
  UNION
  UNWIND w.hsCodePrefixes AS prefix
  MATCH (s:RiskSignal)-[:ABOUT]->(p:Product) WHERE p.hsCode STARTS WITH prefix RETURN s
  UNION
  MATCH (s:RiskSignal)-[:ABOUT]->(e:Enterprise) WHERE e.id IN w.enterpriseIds RETURN s
}
RETURN s.id AS id, s.receivedAtMs AS receivedAtMs, coalesce(s.incidentId, 'signal:' + s.id) AS incident
ORDER BY receivedAtMs, id
LIMIT $limit
