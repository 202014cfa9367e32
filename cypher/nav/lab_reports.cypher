// The reports each lab issued, by testedAt then id.
UNWIND $ids AS id
MATCH (l:Lab {id: id})
CALL (l) {
  MATCH (l)-[:ISSUED]->(r:TestReport)
  RETURN r ORDER BY r.testedAt, r.id LIMIT $limit
}
RETURN id AS parent, r {.id, .result, .testedAt, .items, labId: id, batchId: [(r)-[:TESTED]->(b) | b.id][0]} AS report
