// Test suite only: make the lease $lease expired now, as if its holder had died and stopped renewing it.
MATCH (lease:Lease {name: $lease})
SET lease.expiresAt = timestamp() - 1
RETURN count(lease) AS expired
