// Warnings whose window [effectiveFrom, liftedAt) holds $atMs; only ACTIVE ones when $activeOnly.
MATCH (w:RiskWarning)
WHERE w.effectiveFromMs <= $atMs AND (w.liftedAtMs IS NULL OR w.liftedAtMs > $atMs)
  AND (NOT $activeOnly OR w.status = 'ACTIVE')
RETURN w {.*} AS warning
ORDER BY w.id
