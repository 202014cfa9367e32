// Monitoring plans, newest period first (periodStart, then id), at most $limit; $activeAtMs (or null for all)
// keeps those whose period holds that instant.
MATCH (p:MonitoringPlan)
WHERE $activeAtMs IS NULL OR (p.periodStartMs <= $activeAtMs AND $activeAtMs < p.periodEndMs + 86400000)
WITH p ORDER BY p.periodStartMs DESC, p.id
LIMIT $limit
RETURN p.id AS id
