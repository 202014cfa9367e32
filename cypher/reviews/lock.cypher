// A review, locked for the rest of the transaction (the SET takes its write lock before the status is read),
// so two regulators cannot both decide it.
MATCH (r:DowngradeReview {id: $id})-[:CONCERNS]->(e:Enterprise)
SET r.lockedAtMs = timestamp()
RETURN r {.*, enterpriseId: e.id} AS review
