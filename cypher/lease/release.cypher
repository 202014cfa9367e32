// Give the lease $lease up, if $holder still has it (another may have taken it over after it expired): the next
// taker gets it at once instead of after its expiry.
MATCH (lease:Lease {name: $lease})
WHERE lease.holder = $holder
SET lease.holder = null, lease.expiresAt = null
RETURN count(lease) AS released
