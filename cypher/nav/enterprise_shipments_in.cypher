// Shipments each enterprise received, by shippedAt then id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (s:Shipment)-[:TO]->(e)
  WITH s, [s.shippedAtMs, s.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN s, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]} AS shipment, key
