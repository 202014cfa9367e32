// bench form of recall/recall_scope (bench/traversal_forms.py): the same answer as cypher/recall/recall_scope.cypher;
// today's walk; each lot a list [id, quantity, unit, producedAt, originCountry, productId, producerId, depth,
// shipments, uses], each shipment [id, consignee, consignor, quantity, shippedAt, shippedAtMs, declaration], each use
// [output, producer, quantity]: no key strings for the driver to decode.
UNWIND $ids AS sourceId
MATCH (s:Batch {id: sourceId})
CALL (s) {
    WITH s WHERE $maxDepth <= 1
    MATCH p = (s)-[:INPUT_TO*0..1]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 1 < $maxDepth <= 2
    MATCH p = (s)-[:INPUT_TO*0..2]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 2 < $maxDepth <= 3
    MATCH p = (s)-[:INPUT_TO*0..3]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 3 < $maxDepth <= 5
    MATCH p = (s)-[:INPUT_TO*0..5]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 5 < $maxDepth <= 10
    MATCH p = (s)-[:INPUT_TO*0..10]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 10 < $maxDepth <= 20
    MATCH p = (s)-[:INPUT_TO*0..20]->(v:Batch)
    RETURN v, min(length(p)) AS depth
    UNION ALL
    WITH s WHERE 20 < $maxDepth <= 50
    MATCH p = (s)-[:INPUT_TO*0..50]->(v:Batch)
    RETURN v, min(length(p)) AS depth
}
WITH v, min(depth) AS depth
WHERE depth <= $maxDepth
WITH v, depth ORDER BY depth, v.id LIMIT $limit
CALL (v) {
  MATCH (sh:Shipment)-[:CARRIES]->(v)
  MATCH (sh)-[:TO]->(c:Enterprise)
  RETURN collect([sh.id, c.id, [(sh)-[:FROM]->(f) | f.id][0], sh.quantity, sh.shippedAt, sh.shippedAtMs, sh.declaration]) AS shipments
}
CALL (v) {
  MATCH (v)-[r:INPUT_TO]->(o:Batch)
  RETURN collect([o.id, [(m:Enterprise)-[:PRODUCED]->(o) | m.id][0], r.quantity]) AS uses
}
WITH v AS b, depth, shipments, uses
RETURN collect([b.id, b.quantity, b.unit, b.producedAt, b.originCountry, [(b)-[:OF_PRODUCT]->(p) | p.id][0], [(e)-[:PRODUCED]->(b) | e.id][0], depth, shipments, uses]) AS scope
