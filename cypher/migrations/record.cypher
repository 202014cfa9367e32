// Record that migration $version ($migration) was applied, in the server's clock (epoch ms). CREATE, not MERGE: the
// version is unique (cypher/schema/19_...), so a second record of one version fails instead of passing silently.
CREATE (m:SchemaMigration {version: $version, name: $migration, appliedAt: timestamp()})
RETURN m.version AS version
