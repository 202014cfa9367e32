// Risk signals by id.
UNWIND $ids AS id
MATCH (s:RiskSignal {id: id})
RETURN s {.id, .source, .hazard, .severity, .probability, .receivedAt, .receivedAtMs, .description,
          .subjectKind, .subjectId, .reportId} AS signal
