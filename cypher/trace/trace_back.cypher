// traceBack (contract/core.graphql): every batch u with a directed INPUT_TO path u -> ... -> root of
// length <= $maxDepth, at the length of its shortest such path, plus the shipments that carried the root.
// The literal bound 50 is the contract's largest maxDepth; with min(length(p)) the planner runs a
// breadth-first pruning expand (VarLengthExpand(Pruning,BFS)), which visits each batch once.
MATCH (root:Batch {id: $id})
CALL (root) {
  MATCH p = (u:Batch)-[:INPUT_TO*1..50]->(root)
  WITH u, min(length(p)) AS depth
  WHERE depth <= $maxDepth
  WITH u, depth ORDER BY depth, u.id LIMIT $limit
  WITH u AS b, depth
  RETURN collect({batch: b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]}, depth: depth}) AS upstream
}
CALL (root) {
  MATCH (s:Shipment)-[:CARRIES]->(root)
  WITH s ORDER BY s.shippedAtMs, s.id LIMIT $limit
  RETURN collect(s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]}) AS custody
}
WITH root AS b, upstream, custody
RETURN b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]} AS root, upstream, custody
