// recallScope (contract/core.graphql): the sources and every batch downstream of one within $maxDepth
// INPUT_TO hops, at its shortest depth (0 for sources), each with the shipments that carried it and their
// consignee. Holdings are summed per (consignee, batch) by the caller. Breadth-first pruning expand, as
// in trace_back; LIMIT $limit + 1 lets the caller tell a scope that is too large from one that fits.
UNWIND $ids AS sourceId
MATCH (s:Batch {id: sourceId})
MATCH p = (s)-[:INPUT_TO*0..50]->(v:Batch)
WITH v, min(length(p)) AS depth
WHERE depth <= $maxDepth
WITH v, depth ORDER BY depth, v.id LIMIT $limit
CALL (v) {
  MATCH (sh:Shipment)-[:CARRIES]->(v)
  MATCH (sh)-[:TO]->(c:Enterprise)
  RETURN collect({consignee: c.id, quantity: sh.quantity, shippedAt: sh.shippedAt,
                  shippedAtMs: sh.shippedAtMs}) AS shipments
}
WITH v AS b, depth, shipments
RETURN b {.id, .quantity, .unit, .producedAt, .originCountry, product: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producer: [(e)-[:PRODUCED]->(b) | e.id][0]} AS batch, depth, shipments
