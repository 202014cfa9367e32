// Store a warning's new state (grade, status, lifting, events, measure statuses).
MATCH (w:RiskWarning {id: $id})
SET w += $changes
RETURN w {.*} AS warning
