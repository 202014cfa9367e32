// The credit-event feed: events after a seq, in seq order (an ordered index seek on the unique seq), each with
// its enterprise's USCC and name so a consumer needs no second lookup (the enterprise as it is now).
MATCH (x:CreditEvent)
WHERE x.seq > $after
WITH x
ORDER BY x.seq
LIMIT $limit
OPTIONAL MATCH (x)-[:CONCERNS]->(e:Enterprise)
RETURN x {.*, enterpriseUscc: e.uscc, enterpriseName: e.name} AS event
ORDER BY event.seq
