// Enterprises whose name contains $text (as given: Chinese names match any run of characters; or in lower case:
// Latin names match whatever their case), whose USCC is $uscc, or whose id starts with $text; by id after
// $after (null: from the start), at most $limit. CONTAINS / STARTS WITH take the text as a value, so it needs no
// escaping (a full-text query would parse it as Lucene syntax); the id order walks the id constraint's index.
MATCH (e:Enterprise)
WHERE ($after IS NULL OR e.id > $after)
  AND (e.name CONTAINS $text OR toLower(e.name) CONTAINS $lower OR e.uscc = $uscc OR e.id STARTS WITH $text)
RETURN e.id AS id
ORDER BY id
LIMIT $limit
