// Spot checks by id; one row per id asked, a null check for an unknown id. Bounded by $ids.
UNWIND $ids AS id
OPTIONAL MATCH (c:SpotCheck {id: id})
RETURN id, CASE WHEN c IS NULL THEN null ELSE c {.*} END AS check
