// Accept or reject a spot check that is still PROPOSED. The first SET takes the node's write lock before its
// status is read, so of two concurrent decisions the second sees the first's status and finds nothing (no row,
// which graph/monitoring/sampling.py reports).
MATCH (c:SpotCheck {id: $id})
SET c.lockedAtMs = $now
WITH c
WHERE c.status = 'PROPOSED'
SET c.status = $status, c.decidedBy = $by, c.decidedAtMs = $now, c.decisionReason = $reason
RETURN c {.*} AS check
