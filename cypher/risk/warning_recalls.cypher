// The recalls opened under a warning.
MATCH (r:Recall)-[:UNDER]->(:RiskWarning {id: $id})
RETURN r.id AS id
ORDER BY r.openedAtMs, id
