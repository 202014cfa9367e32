// An enterprise's associations (contagion ties), strongest first.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[t:TIED_TO]-(other:Enterprise)
  RETURN other, t
  ORDER BY t.weight DESC, other.id
  LIMIT $limit
}
RETURN id AS parent, t.kind AS kind, t.weight AS weight, t.via AS via, other.id AS otherId
