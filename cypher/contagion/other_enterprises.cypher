// Every enterprise but the given ones, by id, at most $limit: with minScore 0 the contract lists enterprises no
// source reaches too (score 0).
MATCH (e:Enterprise)
WHERE NOT e.id IN $exclude
RETURN e.id AS id
ORDER BY id
LIMIT $limit
