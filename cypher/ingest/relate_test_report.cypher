// A test report's lab and tested batch (old ones are replaced).
UNWIND $rows AS row
MATCH (r:TestReport {id: row.id})
MATCH (l:Lab {id: row.lab})
MATCH (b:Batch {id: row.batch})
CALL (r) {
  OPTIONAL MATCH (r)-[old:TESTED]->()
  DELETE old
}
CALL (r) {
  OPTIONAL MATCH ()-[old:ISSUED]->(r)
  DELETE old
}
MERGE (l)-[:ISSUED]->(r)
MERGE (r)-[:TESTED]->(b)
RETURN count(r) AS related
