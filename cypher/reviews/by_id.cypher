// Downgrade reviews by id.
UNWIND $ids AS id
MATCH (r:DowngradeReview {id: id})-[:CONCERNS]->(e:Enterprise)
RETURN r {.*, enterpriseId: e.id} AS review
