// Persons whose name contains $text (as given, or in lower case for Latin names); by id after $after (null:
// from the start), at most $limit. CONTAINS takes the text as a value: no escaping, nothing parsed.
MATCH (p:Person)
WHERE ($after IS NULL OR p.id > $after)
  AND (p.name CONTAINS $text OR toLower(p.name) CONTAINS $lower)
RETURN p.id AS id, p.name AS name
ORDER BY id
LIMIT $limit
