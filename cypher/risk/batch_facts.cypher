// What warning targets match on, for batches: id, product, producer, HS code, origin country.
UNWIND $ids AS id
MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch {id: id})<-[:PRODUCED]-(e:Enterprise)
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, b.originCountry AS originCountry
