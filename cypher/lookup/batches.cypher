// Batches by id, with the ids of their product and producer (DataLoader: one query per request).
UNWIND $ids AS id
MATCH (b:Batch {id: id})
RETURN b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]} AS batch
