// The test reports on each batch, newest last, with the issuing lab's id.
UNWIND $ids AS id
MATCH (b:Batch {id: id})
CALL (b) {
  MATCH (r:TestReport)-[:TESTED]->(b)
  RETURN r ORDER BY r.testedAt, r.id LIMIT $limit
}
RETURN id AS parent, r {.id, .result, .testedAt, .items, labId: [(l)-[:ISSUED]->(r) | l.id][0], batchId: id} AS report
