// The audit trail for auditors: events after a seq, in seq order (an ordered seek on the unique seq), at most
// $limit.
MATCH (x:AuditEvent)
WHERE x.seq > $after
WITH x
ORDER BY x.seq
LIMIT $limit
RETURN x {.*} AS event
ORDER BY event.seq
