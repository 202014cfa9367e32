// Test suite only: how many nodes carry one label.
MATCH (n:$($label))
RETURN count(n) AS count
