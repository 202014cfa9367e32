// Blacklist entries by id.
UNWIND $ids AS id
MATCH (entry:BlacklistEntry {id: id})
OPTIONAL MATCH (entry)-[:AGAINST]->(e:Enterprise)
OPTIONAL MATCH (entry)-[:BY]->(agency:Agency)
RETURN entry {.*, enterpriseId: e.id, agencyId: agency.id, agencyName: agency.name} AS entry
