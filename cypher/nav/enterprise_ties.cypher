// An enterprise's associations (contagion ties), strongest first, then by the other enterprise's id (one TIED_TO
// per pair: cypher/contagion/refresh_ties.cypher).
// Keyset-paged (graph/lookup.py): `key` is a row's place in the order, ascending; a page is the rows whose key
// comes after $after (null: from the start), $limit of them, so rows written between pages never shift a page.
// The weight is negated in the key so that ascending keys are descending weights.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[t:TIED_TO]-(other:Enterprise)
  WITH other, t, [-coalesce(t.weight, 0.0), other.id] AS key
  WHERE $after IS NULL OR key > $after
  RETURN other, t, key ORDER BY key LIMIT $limit
}
RETURN id AS parent, t.kind AS kind, t.weight AS weight, t.via AS via, other.id AS otherId, key
