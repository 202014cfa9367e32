UNWIND $ids AS id
MATCH (s:Shipment {id: id})
RETURN s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batch: [(s)-[:CARRIES]->(x) | x.id][0], from: [(s)-[:FROM]->(x) | x.id][0], to: [(s)-[:TO]->(x) | x.id][0]} AS shipment
