// Take the lease $lease for $holder, or renew it when $holder has it: granted when nobody holds it, when $holder
// does, or when the holder's lease expired (it died, or stopped renewing). Times are the server's clock
// (timestamp(), epoch ms), so replicas with skewed clocks agree on expiry. The first SET takes the node's write
// lock before its holder is read, so two takers run one after the other and the second sees the first's grant.
MERGE (lease:Lease {name: $lease})
SET lease._locked = true
REMOVE lease._locked
WITH lease, timestamp() AS now
CALL (lease, now) {
  WITH lease, now
  WHERE lease.holder IS NULL OR lease.holder = $holder OR lease.expiresAt <= now
  SET lease.since = CASE WHEN lease.holder = $holder THEN lease.since ELSE now END
  SET lease.holder = $holder, lease.expiresAt = now + $ttlMs
}
RETURN lease.holder = $holder AS held, lease.holder AS holder, lease.expiresAt AS expiresAt
