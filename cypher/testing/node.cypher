// Test suite only: the labels and stored properties of the node(s) with this id.
MATCH (n {id: $id})
RETURN labels(n) AS labels, properties(n) AS props
