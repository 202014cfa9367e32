// The batches each enterprise produced, by batch id.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[:PRODUCED]->(b:Batch)
  RETURN b.id AS batch ORDER BY batch LIMIT $limit
}
RETURN id AS parent, batch
