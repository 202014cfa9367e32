// Enterprises by id. blacklisted: a listing in force at $now (epoch ms): listed, and not yet expired.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
RETURN e {.id, .name, .roles, .country, .region, .uscc, .creditGrade,
          blacklisted: EXISTS {
            MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
            WHERE entry.listedAtMs <= $now AND (entry.expiresAtMs IS NULL OR entry.expiresAtMs > $now)
          }} AS enterprise
