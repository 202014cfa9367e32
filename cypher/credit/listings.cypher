// Blacklist entries by enterprise, newest listing first, at most $limit each.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
  OPTIONAL MATCH (entry)-[:BY]->(agency:Agency)
  RETURN entry {.*, enterpriseId: e.id, agencyId: agency.id, agencyName: agency.name} AS listing
  ORDER BY entry.listedAtMs DESC, entry.id
  LIMIT $limit
}
RETURN id AS parent, listing AS entry
