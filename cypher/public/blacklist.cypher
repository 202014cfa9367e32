// Blacklist listings in force at $now (graph.credit.Listing.in_force: listed, not expired, not lifted), as they
// are published: serious ones first, then the newest listing, then id; at most $limit. Only the published
// fields: the enterprise's name and USCC, the reason, the dates and whether the listing is serious.
MATCH (entry:BlacklistEntry)-[:AGAINST]->(e:Enterprise)
WHERE entry.listedAtMs <= $now
  AND (entry.expiresAtMs IS NULL OR $now < entry.expiresAtMs)
  AND (entry.liftedAtMs IS NULL OR $now < entry.liftedAtMs)
WITH entry, e, coalesce(entry.serious, false) AS serious
ORDER BY serious DESC, entry.listedAtMs DESC, entry.id
LIMIT $limit
RETURN {enterpriseName: e.name, uscc: e.uscc, reason: entry.reason, listedAt: entry.listedAt,
        expiresAt: entry.expiresAt, serious: serious} AS listing
