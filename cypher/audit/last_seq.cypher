// The last seq the audit trail has committed (0 before the first event): a cursor past it is not ours.
OPTIONAL MATCH (c:Sequence {name: 'auditEvent'})
RETURN coalesce(c.value, 0) AS last
