// Lift a blacklist listing (a regulator's act, kept when the listing's record is imported again).
MATCH (entry:BlacklistEntry {id: $id})
OPTIONAL MATCH (entry)-[:AGAINST]->(e:Enterprise)
WITH entry, e, entry.liftedAtMs AS before
SET entry.liftedAtMs = coalesce(before, $now),
    entry.liftedBy = coalesce(entry.liftedBy, $by),
    entry.liftReason = coalesce(entry.liftReason, $reason)
RETURN e.id AS enterprise, before IS NOT NULL AS alreadyLifted
