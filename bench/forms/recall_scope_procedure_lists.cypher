// bench form of recall/recall_scope (bench/traversal_forms.py): the same answer as cypher/recall/recall_scope.cypher;
// the walk is tracegraph.downstream (ops/procedures), lots, shipments and uses as lists as in recall_scope_lists.cypher.
MATCH (s:Batch) WHERE s.id IN $ids
WITH collect(s) AS sources
CALL tracegraph.downstream(sources, $maxDepth) YIELD node AS v, depth
WITH v, min(depth) AS depth
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
