// Downgrade reviews of enterprises, newest first, at most $limit each.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (r:DowngradeReview)-[:CONCERNS]->(e)
  RETURN r
  ORDER BY r.openedAtMs DESC, r.id
  LIMIT $limit
}
RETURN id AS parent, r {.*, enterprise: e.id} AS review
