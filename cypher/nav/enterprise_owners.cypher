// The shareholders of each enterprise, people and enterprises, largest share first, then by holder id and kind
// (a person and an enterprise may share an id).
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
// The share is negated in the key so that ascending keys are descending shares.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (h)-[r:SHAREHOLDER_OF]->(e)
  WITH h, r, CASE WHEN h:Person THEN 'PERSON' ELSE 'ENTERPRISE' END AS kind
  WITH h.id AS holderId, h.name AS name, kind, r.share AS share, [-coalesce(r.share, 0.0), h.id, kind] AS key
  WHERE $after IS NULL OR key > $after
  RETURN holderId, name, kind, share, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, holderId, name, kind, share, key
