// Test suite and ops/faults.py only: the seq of every audit event, to check that the trail is gap-free (1..n).
MATCH (x:AuditEvent)
RETURN x.seq AS seq
ORDER BY seq
