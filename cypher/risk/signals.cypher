// Risk signals by id, with the other signals of their incident (the duplicates linked to it, at most 100).
UNWIND $ids AS id
MATCH (s:RiskSignal {id: id})
CALL (s) {
  OPTIONAL MATCH (s)-[:OF_INCIDENT]->(:Incident)<-[:OF_INCIDENT]-(d:RiskSignal)
  WHERE d <> s
  WITH d ORDER BY d.receivedAtMs, d.id LIMIT 100
  RETURN collect(d.id) AS duplicates
}
RETURN s {.id, .source, .hazard, .severity, .probability, .receivedAt, .receivedAtMs, .description,
          .subjectKind, .subjectId, .reportId, .channel, .channelDetails, .incidentKey, .incidentId,
          duplicates: duplicates} AS signal
