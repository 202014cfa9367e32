// The shareholders of each enterprise, people and enterprises, largest share first.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (h)-[r:SHAREHOLDER_OF]->(e)
  RETURN h.id AS holderId, h.name AS name, CASE WHEN h:Person THEN 'PERSON' ELSE 'ENTERPRISE' END AS kind,
         r.share AS share
  ORDER BY share DESC, holderId LIMIT $limit
}
RETURN id AS parent, holderId, name, kind, share
