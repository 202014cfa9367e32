// Downgrade reviews, newest first, optionally of one status.
MATCH (r:DowngradeReview)-[:CONCERNS]->(e:Enterprise)
WHERE $status IS NULL OR r.status = $status
RETURN r {.*, enterpriseId: e.id} AS review
ORDER BY r.openedAtMs DESC, r.id
LIMIT $limit
