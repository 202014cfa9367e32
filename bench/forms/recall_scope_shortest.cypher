// bench form of recall/recall_scope (bench/traversal_forms.py): the same answer as cypher/recall/recall_scope.cypher;
// the walk from each source is a quantified path pattern under ANY SHORTEST, still one of the literal bounds.
UNWIND $ids AS sourceId
MATCH (s:Batch {id: sourceId})
CALL (s) {
    WITH s WHERE $maxDepth <= 1
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,1}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 1 < $maxDepth <= 2
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,2}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 2 < $maxDepth <= 3
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,3}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 3 < $maxDepth <= 5
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,5}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 5 < $maxDepth <= 10
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,10}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 10 < $maxDepth <= 20
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,20}(v:Batch)
    RETURN v, length(p) AS depth
    UNION ALL
    WITH s WHERE 20 < $maxDepth <= 50
    MATCH p = ANY SHORTEST (s)-[:INPUT_TO]->{0,50}(v:Batch)
    RETURN v, length(p) AS depth
}
WITH v, min(depth) AS depth
WHERE depth <= $maxDepth
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
