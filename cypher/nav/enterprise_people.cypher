// The people tied to each enterprise: legal representative, officer, or shareholder (with share), by person id
// then role.
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(e)
  WITH p.id AS personId, p.name AS name, type(r) AS role, r.share AS share
  WITH personId, name, role, share, [personId, role] AS key
  WHERE $after IS NULL OR key > $after
  RETURN personId, name, role, share, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, personId, name, role, share, key
