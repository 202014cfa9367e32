// A risk signal's subject: exactly one of a batch, a product or an enterprise (old one replaced).
UNWIND $rows AS row
MATCH (s:RiskSignal {id: row.id})
CALL (s) {
  OPTIONAL MATCH (s)-[old:ABOUT]->()
  DELETE old
}
CALL (s, row) {
  MATCH (t:Batch {id: row.subjectBatch}) MERGE (s)-[:ABOUT]->(t)
}
CALL (s, row) {
  MATCH (t:Product {id: row.subjectProduct}) MERGE (s)-[:ABOUT]->(t)
}
CALL (s, row) {
  MATCH (t:Enterprise {id: row.subjectEnterprise}) MERGE (s)-[:ABOUT]->(t)
}
RETURN count(s) AS related
