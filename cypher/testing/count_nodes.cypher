// Test suite only: how many nodes, and of which labels, the database holds.
MATCH (n)
RETURN count(n) AS nodes, [l IN collect(DISTINCT labels(n)[0]) WHERE l IS NOT NULL] AS labels
