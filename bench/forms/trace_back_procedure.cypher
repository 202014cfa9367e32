// bench form of trace/trace_back (bench/traversal_forms.py): the same answer as cypher/trace/trace_back.cypher;
// the walk is tracegraph.upstream (ops/procedures: a breadth-first walk in Java, the depth a parameter).
MATCH (root:Batch {id: $id})
CALL (root) {
  CALL tracegraph.upstream(root, $maxDepth) YIELD node, depth
  WITH node AS u, depth
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
