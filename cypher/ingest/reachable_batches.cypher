// Pairs (a, b) of the given batches where b is already downstream of a in the graph: the import's
// new INPUT_TO edges plus these pairs must stay acyclic. Bounded at 200 tiers, far beyond any real BOM.
UNWIND $ids AS id
MATCH (a:Batch {id: id})
MATCH (a)-[:INPUT_TO*1..200]->(b:Batch)
WHERE b.id IN $ids
RETURN DISTINCT a.id AS from, b.id AS to
LIMIT 100000
