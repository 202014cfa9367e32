// recallScope's affectedBatchesPage (contract/core.graphql, api/gql/core.py): the walk of recall/recall_scope,
// then only the page's lots projected, without their shipments or uses: a page of a 50 000-lot recall reads its
// 100 or 1 000 lots, not all of them (graph/recall_pages.py). The page is the lots whose (depth, id) comes after
// ($afterDepth, $afterId), from the start when $afterId is null, by depth then id: $first + 1 of them, so the
// caller knows whether more follow. `reached` counts the affected lots up to $limit (the runaway guard);
// `sourceIds` are the sources found (at depth 0).
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
WITH collect({v: v, depth: depth}) AS reached
CALL (reached) {
  UNWIND [r IN reached WHERE $afterId IS NULL OR r.depth > $afterDepth OR (r.depth = $afterDepth AND r.v.id > $afterId)]
    [..$first + 1] AS r
  WITH r.v AS b, r.depth AS depth
  RETURN collect({batch: b {.id, .quantity, .unit, .producedAt, .originCountry, productId: [(b)-[:OF_PRODUCT]->(p) | p.id][0], producerId: [(e)-[:PRODUCED]->(b) | e.id][0]}, depth: depth}) AS lots
}
RETURN size(reached) AS reached, [r IN reached WHERE r.depth = 0 | r.v.id] AS sourceIds, lots
