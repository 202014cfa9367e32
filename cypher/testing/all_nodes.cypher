// Test suite only: every node, as its labels and stored properties.
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
