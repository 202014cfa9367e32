// recallScope (contract/core.graphql): the sources and every batch downstream of one within $maxDepth
// INPUT_TO hops, at its shortest depth (0 for sources), each with the shipments that carried it (id, consignee,
// consignor, declaration: the spreadsheet names them) and its uses as an input (output lot, its producer,
// quantity). The caller sums holdings per (consignee, batch), what each consignee forwarded and used, and keeps the
// uses whose output is affected as the scope's edges. Uses are read for every affected lot, also at the depth
// cut: a consignee's use of a lot into a lot beyond maxDepth is still a use. The walk from each source is a
// breadth-first pruning expand to the smallest literal bound at or above $maxDepth, as in trace_back (a bound
// cannot be a parameter; the branches not taken cost nothing); the per-lot subqueries are one hop each.
// LIMIT $limit + 1 lets the caller tell a scope that is too large from one that fits. One row of collected lots,
// by depth then id: a row per lot cost the Python driver more than the query (bench/RESULTS.md, issue 15).
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
  RETURN collect({id: sh.id, consignee: c.id, consignor: [(sh)-[:FROM]->(f) | f.id][0], quantity: sh.quantity,
                  shippedAt: sh.shippedAt, shippedAtMs: sh.shippedAtMs, declaration: sh.declaration}) AS shipments
}
CALL (v) {
  MATCH (v)-[r:INPUT_TO]->(o:Batch)
  RETURN collect({output: o.id, producer: [(m:Enterprise)-[:PRODUCED]->(o) | m.id][0], quantity: r.quantity}) AS uses
}
WITH v AS b, depth, shipments, uses
RETURN collect({batch: b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]}, depth: depth, shipments: shipments, uses: uses}) AS scope
