// A plan's spot checks, newest proposal first (then id), at most $limit.
MATCH (c:SpotCheck)-[:UNDER]->(:MonitoringPlan {id: $planId})
WITH c ORDER BY c.proposedAtMs DESC, c.id
LIMIT $limit
RETURN c {.*} AS check
