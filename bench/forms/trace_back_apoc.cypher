// bench form of trace/trace_back (bench/traversal_forms.py): the same answer as cypher/trace/trace_back.cypher;
// the walk is APOC core's breadth-first spanning tree (each lot once, at its shortest depth) with maxLevel a parameter:
// no bound branches.
MATCH (root:Batch {id: $id})
CALL (root) {
  CALL apoc.path.spanningTree(root, {relationshipFilter: '<INPUT_TO', minLevel: 1, maxLevel: $maxDepth, bfs: true})
  YIELD path
  WITH last(nodes(path)) AS u, length(path) AS depth
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
