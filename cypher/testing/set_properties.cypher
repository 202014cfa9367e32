// Test suite only: overwrite properties of the node with this id (or, for a RecallLine, key), as a graph written
// before the service refused such values could hold them (an infinite quantity), to test how reads and mutations
// cope with them. A scan: test graphs are small.
MATCH (n)
WHERE n.id = $id OR n.key = $id
SET n += $props
RETURN count(n) AS updated
