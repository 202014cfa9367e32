// Warnings that took effect within [$fromMs, $untilMs) and were in force (a proposed grade I or II not yet
// confirmed is not), by effectiveFrom then id, at most $limit: the quality indicators match their targets.
MATCH (w:RiskWarning)
WHERE $fromMs <= w.effectiveFromMs < $untilMs AND coalesce(w.enforced, true)
WITH w ORDER BY w.effectiveFromMs, w.id
LIMIT $limit
RETURN w {.*} AS warning
