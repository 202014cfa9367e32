// Test suite only: every relationship, as its type, the ids at either end and its properties.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
ORDER BY type, from, to
