UNWIND $ids AS id
MATCH (s:Shipment {id: id})
RETURN s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]} AS shipment
