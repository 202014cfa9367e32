// Test suite and ops/faults.py only: every enterprise's id, for a deterministic choice among them.
MATCH (e:Enterprise)
RETURN e.id AS id
ORDER BY id
