// Test suite only: drop one constraint, as a store restored or recreated under a running service has none.
DROP CONSTRAINT $constraint IF EXISTS
