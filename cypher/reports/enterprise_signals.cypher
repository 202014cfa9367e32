// The signals received in [$from, $to) about an enterprise, a lot it produced or a product it makes, with their
// incident (duplicates of one incident count once in the report); by receivedAt, at most $limit.
MATCH (e:Enterprise {id: $id})
CALL (e) {
  MATCH (s:RiskSignal)-[:ABOUT]->(e) RETURN s
  UNION
  MATCH (s:RiskSignal)-[:ABOUT]->(:Batch)<-[:PRODUCED]-(e) RETURN s
  UNION
  MATCH (s:RiskSignal)-[:ABOUT]->(:Product)<-[:OF_PRODUCT]-(:Batch)<-[:PRODUCED]-(e) RETURN s
}
WITH DISTINCT s
WHERE s.receivedAtMs >= $from AND s.receivedAtMs < $to
RETURN s.id AS id, s.source AS source, s.channel AS channel, s.hazard AS hazard, s.severity AS severity,
       s.receivedAt AS receivedAt, s.subjectKind AS subjectKind, s.subjectId AS subjectId,
       coalesce(s.incidentId, 'signal:' + s.id) AS incident
ORDER BY s.receivedAtMs, id
LIMIT $limit
