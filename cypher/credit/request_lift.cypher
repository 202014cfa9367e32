// Four eyes: a credit officer asks to lift a serious listing. The listing stays in force, and its grade with it,
// until another credit officer confirms (credit/lift_listing then). The caller holds the listing's lock
// (credit/lock_listing) and has found it neither lifted nor awaiting a confirmation.
MATCH (entry:BlacklistEntry {id: $id})
SET entry.liftRequestedAtMs = $now, entry.liftRequestedBy = $by, entry.liftRequestReason = $reason
RETURN count(entry) AS requested
