// Credit history of enterprises, newest first, at most $limit each, with the enterprise's USCC and name.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (x:CreditEvent)-[:CONCERNS]->(e)
  RETURN x
  ORDER BY x.seq DESC
  LIMIT $limit
}
RETURN id AS parent, x {.*, enterpriseUscc: e.uscc, enterpriseName: e.name} AS event
