// Lift a blacklist listing at $now (a regulator's act, kept when the listing's record is imported again).
// The caller holds the listing's lock (credit/lock_listing) and has found it not lifted.
MATCH (entry:BlacklistEntry {id: $id})
SET entry.liftedAtMs = $now, entry.liftedBy = $by, entry.liftReason = $reason
RETURN count(entry) AS lifted
