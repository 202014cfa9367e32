// The lots of a commodity, for its quality indicators: lots whose product's HS code starts with $hsPrefix (when
// given) or whose product category is $category (when given), with what warning targets match on; at most $limit
// (the caller asks one more to know whether there were more).
MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch)<-[:PRODUCED]-(e:Enterprise)
WHERE ($hsPrefix IS NOT NULL AND p.hsCode STARTS WITH $hsPrefix) OR ($category IS NOT NULL AND p.category = $category)
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, b.originCountry AS originCountry
ORDER BY b.id
LIMIT $limit
