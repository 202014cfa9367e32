// Test suite only: what the transactions waiting for a lock are running, so a test can hold a lock until a
// concurrent writer has queued behind it (and so order the two without timing).
SHOW TRANSACTIONS YIELD currentQuery, status
WHERE status STARTS WITH 'Blocked'
RETURN currentQuery AS query
