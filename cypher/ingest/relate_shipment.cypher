// A shipment's batch, sender and consignee, as the record now states them (old ones are replaced).
UNWIND $rows AS row
MATCH (s:Shipment {id: row.id})
MATCH (b:Batch {id: row.batch})
MATCH (f:Enterprise {id: row.from})
MATCH (t:Enterprise {id: row.to})
CALL (s) {
  OPTIONAL MATCH (s)-[old:CARRIES|FROM|TO]->()
  DELETE old
}
MERGE (s)-[:CARRIES]->(b)
MERGE (s)-[:FROM]->(f)
MERGE (s)-[:TO]->(t)
RETURN count(s) AS related
