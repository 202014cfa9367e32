// The enterprises each enterprise holds shares of, largest share first, then by id.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
// The share is negated in the key so that ascending keys are descending shares.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[r:SHAREHOLDER_OF]->(o:Enterprise)
  WITH o.id AS enterpriseId, r.share AS share, [-coalesce(r.share, 0.0), o.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN enterpriseId, share, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, enterpriseId, share, key
