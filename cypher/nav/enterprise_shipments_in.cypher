// Shipments each enterprise received, by shippedAt then id.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (s:Shipment)-[:TO]->(e)
  RETURN s ORDER BY s.shippedAtMs, s.id LIMIT $limit
}
RETURN id AS parent, s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]} AS shipment
