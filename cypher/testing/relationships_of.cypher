// Test suite only: every relationship touching the node(s) with this id, with the node at the other end.
MATCH (n {id: $id})-[r]-(m)
RETURN type(r) AS type, startNode(r) = n AS outgoing, m.id AS other, properties(r) AS props
ORDER BY type, other
