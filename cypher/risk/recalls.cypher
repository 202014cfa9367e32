// Recalls by id, with their lines ordered by enterprise id then batch id.
UNWIND $ids AS id
MATCH (r:Recall {id: id})
CALL (r) {
  OPTIONAL MATCH (l:RecallLine)-[:OF_RECALL]->(r)
  WITH l ORDER BY l.enterprise, l.batch
  RETURN collect(l {.*}) AS lines
}
RETURN r {.*} AS recall, lines
