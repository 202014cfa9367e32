// Enterprises with a blacklist listing in force at $now (listed, not expired, not lifted): contagion's
// default sources.
MATCH (entry:BlacklistEntry)-[:AGAINST]->(e:Enterprise)
WHERE entry.listedAtMs <= $now AND (entry.expiresAtMs IS NULL OR entry.expiresAtMs > $now)
  AND (entry.liftedAtMs IS NULL OR entry.liftedAtMs > $now)
RETURN DISTINCT e.id AS id
ORDER BY id
