// The credit-event feed: events after a seq, in seq order (an ordered index seek on the unique seq).
MATCH (x:CreditEvent)
WHERE x.seq > $after
RETURN x {.*} AS event
ORDER BY x.seq
LIMIT $limit
