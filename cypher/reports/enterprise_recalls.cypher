// The recalls opened before $to whose affected lots include one the enterprise produced, or in which it is a
// consignee, and not closed before $from; their ids, newest first, at most $limit.
MATCH (e:Enterprise {id: $id})
CALL (e) {
  MATCH (e)-[:PRODUCED]->(b:Batch)
  MATCH (r:Recall) WHERE b.id IN r.affectedBatchIds RETURN r
  UNION
  MATCH (:RecallLine {enterprise: e.id})-[:OF_RECALL]->(r:Recall) RETURN r
}
WITH DISTINCT r
WHERE r.openedAtMs < $to AND (r.closedAtMs IS NULL OR r.closedAtMs >= $from)
RETURN r.id AS id
ORDER BY r.openedAtMs DESC, id
LIMIT $limit
