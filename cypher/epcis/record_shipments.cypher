// Shipments that arrived as records, not from EPCIS (no captured event has their id): GET /epcis/export writes
// them as shipping events. Bounded.
MATCH (s:Shipment)-[:CARRIES]->(b:Batch)
WHERE NOT EXISTS { MATCH (:EpcisEvent {eventID: s.id}) } AND NOT s.id CONTAINS '#'
WITH s, b
ORDER BY s.id
LIMIT $limit
MATCH (s)-[:FROM]->(f:Enterprise)
MATCH (s)-[:TO]->(t:Enterprise)
RETURN s.id AS id, s.quantity AS quantity, s.shippedAt AS shippedAt, b.id AS batch, b.unit AS unit,
       f.id AS sender, t.id AS consignee
