// The people tied to each enterprise: legal representative, officer, or shareholder (with share).
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(e)
  RETURN p.id AS personId, p.name AS name, type(r) AS role, r.share AS share
  ORDER BY personId, role LIMIT $limit
}
RETURN id AS parent, personId, name, role, share
