// Test suite only: empties the test database between tests (tests/conftest.py guards which database).
MATCH (n) DETACH DELETE n
