// Pairs (a, b) of the given batches where b is already downstream of a in the graph: the import's
// new INPUT_TO edges plus these pairs must stay acyclic. Bounded at 200 tiers, far beyond any real BOM.
// Edges into a batch the import restates ($restated) are left out: the import replaces that batch's inputs.
UNWIND $ids AS id
MATCH (a:Batch {id: id})
MATCH (a)-[rels:INPUT_TO*1..200]->(b:Batch)
WHERE b.id IN $ids AND all(r IN rels WHERE NOT endNode(r).id IN $restated)
RETURN DISTINCT a.id AS from, b.id AS to
LIMIT 100000
