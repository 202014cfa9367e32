// Credit history of enterprises, newest first, at most $limit each.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (x:CreditEvent)-[:CONCERNS]->(e)
  RETURN x
  ORDER BY x.seq DESC
  LIMIT $limit
}
RETURN id AS parent, x {.*} AS event
