// Link the signals an import created or changed (incidentPending) to their incident, so that duplicates of one
// incident are counted once. A signal with an incidentKey joins the incident of that key. One without joins the
// incident of a signal on the same subject and hazard received within $windowMs of it (the earliest such), or
// starts its own. Pending signals are taken in receivedAt order, one per subquery call, so each sees the links of
// those before it. Incidents left without a signal (a changed key) are removed. At most $limit signals per call:
// the caller repeats while some remain. The link is MERGEd: two imports that both saw a signal pending (each read it
// before the other committed) link it once, since a MERGE between bound nodes locks both and looks again
// (tests/concurrency/test_overlapping_writes.py had two OF_INCIDENT of one signal with CREATE).
MATCH (s:RiskSignal)
WHERE s.incidentPending = true
WITH s
ORDER BY s.receivedAtMs, s.id
LIMIT $limit
CALL (s) {
  OPTIONAL MATCH (s)-[old:OF_INCIDENT]->(was:Incident)
  DELETE old
  WITH DISTINCT s, was
  CALL (was) {
    WITH was WHERE was IS NOT NULL AND NOT EXISTS { (was)<-[:OF_INCIDENT]-() }
    DELETE was
  }
  OPTIONAL MATCH (t:RiskSignal {subjectId: s.subjectId, hazard: s.hazard})-[:OF_INCIDENT]->(near:Incident)
  WHERE s.incidentKey IS NULL AND t.subjectKind = s.subjectKind AND t <> s
    AND abs(t.receivedAtMs - s.receivedAtMs) <= $windowMs
  WITH s, near ORDER BY t.receivedAtMs, t.id
  WITH s, head(collect(near)) AS near
  WITH s, CASE
    WHEN s.incidentKey IS NOT NULL THEN 'key:' + s.incidentKey
    WHEN near IS NOT NULL THEN near.id
    ELSE 'signal:' + s.id
  END AS incidentId
  MERGE (i:Incident {id: incidentId})
  MERGE (s)-[:OF_INCIDENT]->(i)
  SET s.incidentId = incidentId
  REMOVE s.incidentPending
}
RETURN count(s) AS linked
