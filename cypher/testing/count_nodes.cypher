// Test suite only: how many nodes, and of which labels, the database holds: the records and what the service
// derives from them, not the trail it keeps of itself
// (audit events and their counter, replaced record versions, the tie graph's cache version).
MATCH (n)
WHERE NOT n:AuditEvent AND NOT n:RecordVersion AND NOT (n:Sequence AND n.name = 'auditEvent') AND NOT n:TieVersion
RETURN count(n) AS nodes, [l IN collect(DISTINCT labels(n)[0]) WHERE l IS NOT NULL] AS labels
