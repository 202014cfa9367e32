// Initial load (ops/initial_load.py): is the database empty of data? The first node that is not the schema's
// own bookkeeping (applied migrations, the migration lease), with its labels for the refusal's message, and how
// many nodes there are (a count from the store's counts, no scan). No row: empty.
MATCH (n)
WHERE NOT n:SchemaMigration AND NOT n:Lease
WITH n LIMIT 1
CALL () { MATCH (m) RETURN count(m) AS nodes }
RETURN labels(n) AS labels, nodes
