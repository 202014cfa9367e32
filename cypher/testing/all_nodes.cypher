// Test suite only: every node, as its labels and stored properties; not the trail the service keeps of itself
// (audit events and their counter, replaced record versions, the tie graph's cache version).
MATCH (n)
WHERE NOT n:AuditEvent AND NOT n:RecordVersion AND NOT (n:Sequence AND n.name = 'auditEvent') AND NOT n:TieVersion
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
