// traceBack (contract/core.graphql): every batch u with a directed INPUT_TO path u -> ... -> root of
// length <= $maxDepth, at the length of its shortest such path, plus the shipments that carried the root.
// A variable-length bound cannot be a parameter, and a walk to the contract's largest maxDepth (50) filtered on
// depth after would cost a shallow trace what a deep one costs. So the walk is one of a few literal bounds, the
// smallest at or above $maxDepth: the branches whose WHERE is false are cut before they expand (no db hits), and
// the one taken walks at most 2.5 times the depth asked for (tests/graph/test_deep_chains.py). With
// min(length(p)) each branch runs a breadth-first pruning expand (VarLengthExpand(Pruning,BFS)), which visits each
// batch once.
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
  RETURN collect({batch: b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]}, depth: depth}) AS upstream
}
CALL (root) {
  MATCH (s:Shipment)-[:CARRIES]->(root)
  WITH s ORDER BY s.shippedAtMs, s.id LIMIT $limit
  RETURN collect(s {.id, .quantity, .shippedAt, .shippedAtMs, .direction, .port, .declaration, batchId: [(s)-[:CARRIES]->(x) | x.id][0], fromId: [(s)-[:FROM]->(x) | x.id][0], toId: [(s)-[:TO]->(x) | x.id][0]}) AS custody
}
WITH root AS b, upstream, custody
RETURN b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]} AS root, upstream, custody
