// The association graph contagion needs: every tie of every enterprise fewer than $maxHops ties away from a
// source (a path of at most $maxHops edges only leaves from those). Cypher wants a literal hop bound, so each
// bound has its branch and the parameter predicate selects exactly one before anything is expanded;
// UNION keeps each enterprise once; each tie comes back once.
MATCH (s:Enterprise)
WHERE s.id IN $sourceIds
CALL (s) {
  RETURN s AS near
  UNION
  WITH s WHERE $maxHops = 2 MATCH (s)-[:TIED_TO]-(near) RETURN near
  UNION
  WITH s WHERE $maxHops = 3 MATCH (s)-[:TIED_TO*1..2]-(near) RETURN near
  UNION
  WITH s WHERE $maxHops = 4 MATCH (s)-[:TIED_TO*1..3]-(near) RETURN near
  UNION
  WITH s WHERE $maxHops = 5 MATCH (s)-[:TIED_TO*1..4]-(near) RETURN near
  UNION
  WITH s WHERE $maxHops = 6 MATCH (s)-[:TIED_TO*1..5]-(near) RETURN near
}
WITH DISTINCT near
MATCH (near)-[t:TIED_TO]-(other)
WITH DISTINCT t
LIMIT $limit
// Parallel columns in one row: the cheapest shape to ship to the driver (a row per tie is five times slower).
// The kind follows from the weight (graph/contagion.py TIE_WEIGHTS); via is only set for SHARED_PERSON.
WITH startNode(t).id AS a, endNode(t).id AS b, t.weight AS weight, coalesce(t.via, '') AS via  // collect drops nulls
RETURN collect(a) AS a, collect(b) AS b, collect(weight) AS weight, collect(via) AS via
