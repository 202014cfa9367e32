// The schema migrations this graph has had (graph/migrations/), in order: start-up applies the ones missing and
// refuses a graph whose latest is newer than the code knows.
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.name AS name, m.appliedAt AS appliedAt
ORDER BY version
