// Record a decision on an open review; the review no longer blocks a new one for its enterprise.
MATCH (r:DowngradeReview {id: $id})-[:CONCERNS]->(e:Enterprise)
SET r.status = $status, r.decidedAtMs = $now, r.decidedBy = $by, r.decisionReason = $reason,
    r.creditEventSeq = $seq
REMOVE r.openFor
RETURN r {.*, enterpriseId: e.id} AS review
