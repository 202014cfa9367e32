// A shipment's batch, sender and consignee, as the record now states them (old ones are replaced).
// Returns every party before and after, whose trade ties (contagion/refresh_ties) may have changed.
UNWIND $rows AS row
MATCH (s:Shipment {id: row.id})
MATCH (b:Batch {id: row.batch})
MATCH (f:Enterprise {id: row.from})
MATCH (t:Enterprise {id: row.to})
CALL (s) {
  OPTIONAL MATCH (s)-[old:CARRIES|FROM|TO]->(target)
  DELETE old
  RETURN collect(CASE WHEN type(old) <> 'CARRIES' THEN target.id END) AS previous
}
MERGE (s)-[:CARRIES]->(b)
MERGE (s)-[:FROM]->(f)
MERGE (s)-[:TO]->(t)
WITH previous + [f.id, t.id] AS parties
UNWIND parties AS party
RETURN collect(DISTINCT party) AS enterprises
