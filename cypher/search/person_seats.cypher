// Each person (by id) and the enterprises it sits in: legal representative, officer, or shareholder (with share),
// by enterprise id then role, at most $limit per person. An unknown id has no row.
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  OPTIONAL MATCH (p)-[r:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(e:Enterprise)
  WITH e, r ORDER BY e.id, type(r) LIMIT $limit
  RETURN collect({enterprise: e.id, role: type(r), share: r.share}) AS seats
}
RETURN p.id AS id, p.name AS name, [s IN seats WHERE s.enterprise IS NOT NULL] AS seats
