// Test suite only: delete every node of one label (a fault's aftermath: what a killed process left unwritten).
MATCH (n:$($label))
DETACH DELETE n
