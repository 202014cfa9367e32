// A blacklist listing, locked for the rest of the transaction: the SET takes its write lock before anything is
// read (the REMOVE leaves no trace; the lock is held until commit), so a lifting and a re-import of its record,
// or two liftings, run one after the other and each reads what the other committed.
MATCH (entry:BlacklistEntry {id: $id})
SET entry._locked = true
REMOVE entry._locked
WITH entry
OPTIONAL MATCH (entry)-[:AGAINST]->(e:Enterprise)
RETURN e.id AS enterprise, entry.liftedAtMs IS NOT NULL AS alreadyLifted, coalesce(entry.serious, false) AS serious,
       entry.liftRequestedBy AS liftRequestedBy, entry.liftRequestReason AS liftRequestReason
