// The shipments that carried each batch, by shippedAt then id.
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (s:Shipment)-[:CARRIES]->(b)
  RETURN s ORDER BY s.shippedAtMs, s.id LIMIT $limit
}
RETURN id AS parent, s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]} AS shipment
