// bench form of recall/recall_scope (bench/traversal_forms.py): the same answer as cypher/recall/recall_scope.cypher;
// the walk is APOC core's breadth-first spanning tree from all sources at once (each lot once, at its shortest depth
// from any source) with maxLevel a parameter: no bound branches.
MATCH (s:Batch) WHERE s.id IN $ids
WITH collect(s) AS sources
CALL apoc.path.spanningTree(sources, {relationshipFilter: 'INPUT_TO>', maxLevel: $maxDepth, bfs: true}) YIELD path
WITH last(nodes(path)) AS v, length(path) AS depth
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
