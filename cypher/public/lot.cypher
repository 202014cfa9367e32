// The public view of one lot (GET /public/lots/{lotId}, GET /01/{gtin}/10/{lot}): the batch stored under one of
// $ids (the id asked, or the LGTIN URN of its GTIN and lot under each company-prefix split), else the batch whose
// id is the lot code $lot and whose product is one of $productIds (the forms of its GTIN). At most one: a URN
// before a lot code. Only what a consumer may see, plus the facts warning targets match on (risk/batch_facts).
CALL () {
  UNWIND $ids AS id
  MATCH (b:Batch {id: id})
  RETURN b, 0 AS rank
  UNION
  MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch {id: $lot})
  WHERE p.id IN $productIds
  RETURN b, 1 AS rank
}
WITH b, rank ORDER BY rank, b.id LIMIT 1
MATCH (p:Product)<-[:OF_PRODUCT]-(b)<-[:PRODUCED]-(e:Enterprise)
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, b.originCountry AS originCountry,
       p.name AS productName, p.category AS category, e.name AS producerName
