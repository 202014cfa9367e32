// Warnings whose window [effectiveFrom, liftedAt) holds $atMs and that are in force: a proposed grade I or II is
// not until a second officer confirms it (`enforced`; warnings stored before four eyes lack it and were). When
// $activeOnly, only those not lifted: ACTIVE, or PROPOSED with a pending change to a warning in force. When
// $withProposed, proposed warnings not yet in force count too (the twin check of a new warning).
MATCH (w:RiskWarning)
WHERE w.effectiveFromMs <= $atMs AND (w.liftedAtMs IS NULL OR w.liftedAtMs > $atMs)
  AND (NOT $activeOnly OR w.status IN ['ACTIVE', 'PROPOSED'])
  AND (coalesce(w.enforced, true) OR $withProposed)
RETURN w {.*} AS warning
ORDER BY w.id
