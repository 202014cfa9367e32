// Downgrade reviews of enterprises, newest first, at most $limit each; only of $status when it is given
// (filtered before the page is cut).
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (r:DowngradeReview)-[:CONCERNS]->(e)
  WHERE $status IS NULL OR r.status = $status
  RETURN r
  ORDER BY r.openedAtMs DESC, r.id
  LIMIT $limit
}
RETURN id AS parent, r {.*, enterpriseId: e.id} AS review
