// Test suite only: how many nodes, and of which labels, the database holds: the records and what the service
// derives from them, not the trail it keeps of itself (audit events and their counter, replaced record versions).
MATCH (n)
WHERE NOT n:AuditEvent AND NOT n:RecordVersion AND NOT (n:Sequence AND n.name = 'auditEvent')
RETURN count(n) AS nodes, [l IN collect(DISTINCT labels(n)[0]) WHERE l IS NOT NULL] AS labels
