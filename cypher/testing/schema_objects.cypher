// Test suite only: the names of every constraint and index the database has, with their state.
SHOW INDEXES YIELD name, type, state, owningConstraint
RETURN name, type, state, owningConstraint
