// bench form of trace/trace_back (bench/traversal_forms.py): the same answer as cypher/trace/trace_back.cypher;
// today's walk; each lot a list [id, quantity, unit, producedAt, originCountry, productId, producerId, depth] instead of a
// map (no key strings for the driver to decode per lot).
MATCH (root:Batch {id: $id})
CALL (root) {
  CALL (root) {
    WITH root WHERE $maxDepth <= 1
    MATCH p = (u:Batch)-[:INPUT_TO*1..1]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 1 < $maxDepth <= 2
    MATCH p = (u:Batch)-[:INPUT_TO*1..2]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 2 < $maxDepth <= 3
    MATCH p = (u:Batch)-[:INPUT_TO*1..3]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 3 < $maxDepth <= 5
    MATCH p = (u:Batch)-[:INPUT_TO*1..5]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 5 < $maxDepth <= 10
    MATCH p = (u:Batch)-[:INPUT_TO*1..10]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 10 < $maxDepth <= 20
    MATCH p = (u:Batch)-[:INPUT_TO*1..20]->(root)
    RETURN u, min(length(p)) AS depth
    UNION ALL
    WITH root WHERE 20 < $maxDepth <= 50
    MATCH p = (u:Batch)-[:INPUT_TO*1..50]->(root)
    RETURN u, min(length(p)) AS depth
  }
  WITH u, depth
  WHERE depth <= $maxDepth
  WITH u, depth ORDER BY depth, u.id LIMIT $limit
  WITH u AS b, depth
  RETURN collect([b.id, b.quantity, b.unit, b.producedAt, b.originCountry, [(b)-[:OF_PRODUCT]->(p) | p.id][0], [(e)-[:PRODUCED]->(b) | e.id][0], depth]) AS upstream
}
CALL (root) {
  MATCH (s:Shipment)-[:CARRIES]->(root)
  WITH s ORDER BY s.shippedAtMs, s.id LIMIT $limit
  RETURN collect(s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]}) AS custody
}
WITH root AS b, upstream, custody
RETURN b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]} AS root, upstream, custody
