// bench form of recall/recall_scope (bench/traversal_forms.py): the same answer as cypher/recall/recall_scope.cypher;
// the walk is tracegraph.downstream (ops/procedures: a breadth-first walk in Java from all sources, the depth a parameter).
MATCH (s:Batch) WHERE s.id IN $ids
WITH collect(s) AS sources
CALL tracegraph.downstream(sources, $maxDepth) YIELD node AS v, depth
WITH v, min(depth) AS depth
WITH v, depth ORDER BY depth, v.id LIMIT $limit
CALL (v) {
  MATCH (sh:Shipment)-[:CARRIES]->(v)
  MATCH (sh)-[:TO]->(c:Enterprise)
  RETURN collect({id: sh.id, consignee: c.id, consignor: [(sh)-[:FROM]->(f) | f.id][0], quantity: sh.quantity,
                  shippedAt: sh.shippedAt, shippedAtMs: sh.shippedAtMs, declaration: sh.declaration}) AS shipments
}
CALL (v) {
  MATCH (v)-[r:INPUT_TO]->(o:Batch)
  RETURN collect({output: o.id, producer: [(m:Enterprise)-[:PRODUCED]->(o) | m.id][0], quantity: r.quantity}) AS uses
}
WITH v AS b, depth, shipments, uses
RETURN collect({batch: b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]}, depth: depth, shipments: shipments, uses: uses}) AS scope
