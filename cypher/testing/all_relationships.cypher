// Test suite only: every relationship, as its type, the ids at either end and its properties; not the trail the
// service keeps of itself (a replaced record's versions hang off it by VERSION_OF).
MATCH (a)-[r]->(b)
WHERE NOT a:RecordVersion AND NOT b:RecordVersion
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
ORDER BY type, from, to
