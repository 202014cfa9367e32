// The audit trail of a dossier: the events that name one of $ids (the decision and the records it rests on), in
// seq order, at most $limit. The audit trail is append-only and read for referrals only: a scan, bounded by $limit.
MATCH (x:AuditEvent)
WHERE any(i IN x.ids WHERE i IN $ids)
WITH x ORDER BY x.seq
LIMIT $limit
RETURN x {.*} AS event
