// Shipments whose customs declaration number starts with $declaration (a whole number finds its shipments, a
// prefix the declarations of one port or year); by id after $after (null: from the start), at most $limit.
// STARTS WITH on the declaration range index takes the text as a value: no escaping, nothing parsed.
MATCH (s:Shipment)
WHERE s.declaration STARTS WITH $declaration AND ($after IS NULL OR s.id > $after)
RETURN s.id AS id
ORDER BY id
LIMIT $limit
