// Who holds the lease $lease and until when (epoch ms, the server's clock); no row when it was never taken.
MATCH (lease:Lease {name: $lease})
RETURN lease.holder AS holder, lease.expiresAt AS expiresAt, lease.since AS since, timestamp() AS now
