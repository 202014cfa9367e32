// Warnings, newest first, optionally of one status.
MATCH (w:RiskWarning)
WHERE $status IS NULL OR w.status = $status
RETURN w {.*} AS warning
ORDER BY w.effectiveFromMs DESC, w.id
LIMIT $limit
