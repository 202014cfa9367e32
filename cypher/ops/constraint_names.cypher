// The names of the constraints the database has: checked before every write batch (graph/db.py), so that a store
// replaced under a running service (a restore, a recreated volume) is never written without its uniqueness rules.
SHOW CONSTRAINTS YIELD name
RETURN collect(name) AS names
