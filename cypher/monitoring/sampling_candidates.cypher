// The lots a plan's target may sample at a stage, newest first, at most $limit: lots whose product's HS code
// starts with one of $hsPrefixes (when given), whose product category is one of $categories (when given) and whose
// origin (the lot's originCountry, else its producer's country) is one of $countries (when given). At PORT the
// item is the lot's latest IMPORT shipment; in CROSS_BORDER_ECOMMERCE a lot shipped to an e-commerce platform or
// cross-border seller; on the MARKET any lot. Each row has what the score needs of the lot itself.
MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch)<-[:PRODUCED]-(e:Enterprise)
WHERE (size($hsPrefixes) = 0 OR any(prefix IN $hsPrefixes WHERE p.hsCode STARTS WITH prefix))
  AND (size($categories) = 0 OR p.category IN $categories)
  AND (size($countries) = 0 OR coalesce(b.originCountry, e.country) IN $countries)
CALL (b) {
  OPTIONAL MATCH (s:Shipment {direction: 'IMPORT'})-[:CARRIES]->(b)
  WITH s ORDER BY s.shippedAtMs DESC, s.id
  LIMIT 1
  RETURN s
}
WITH p, b, e, s
WHERE ($stage = 'PORT' AND s IS NOT NULL)
   OR $stage = 'MARKET'
   OR ($stage = 'CROSS_BORDER_ECOMMERCE' AND EXISTS {
        MATCH (b)<-[:CARRIES]-(:Shipment)-[:TO]->(to:Enterprise)
        WHERE any(role IN to.roles WHERE role IN ['ECOMMERCE_PLATFORM', 'CROSS_BORDER_SELLER'])
      })
WITH p, b, e, s ORDER BY coalesce(s.shippedAtMs, b.producedAtMs) DESC, b.id
LIMIT $limit
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, p.category AS category,
       coalesce(b.originCountry, e.country) AS originCountry, b.originCountry AS batchOrigin,
       coalesce(e.creditGrade, e.declaredGrade, 'REGULAR') AS grade,
       CASE WHEN $stage = 'PORT' THEN s.id END AS shipment
