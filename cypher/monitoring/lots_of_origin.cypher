// The lots of an origin country (the lot's originCountry), for its quality indicators, with what warning targets
// match on; at most $limit (the caller asks one more to know whether there were more).
MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch {originCountry: $country})<-[:PRODUCED]-(e:Enterprise)
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, b.originCountry AS originCountry
ORDER BY b.id
LIMIT $limit
