// Recognised labs, for disclosure: name, accreditation, status and since when it holds (the last entry of the
// status history, upsert_lab), by name then id; at most $limit.
MATCH (l:Lab)
WHERE l.recognized = true
WITH l ORDER BY l.name, l.id
LIMIT $limit
RETURN {name: l.name, accreditation: l.accreditation, status: coalesce(l.status, 'ACTIVE'),
        statusSinceMs: l.statusSinceMs[-1]} AS lab
