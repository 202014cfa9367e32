// The last seq the credit-event feed has committed (0 before the first event): a cursor past it is not ours.
OPTIONAL MATCH (c:Sequence {name: 'creditEvent'})
RETURN coalesce(c.value, 0) AS last
