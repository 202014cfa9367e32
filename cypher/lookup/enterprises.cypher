// Enterprises by id. blacklisted: a listing in force at $now (epoch ms): listed, not expired, not lifted.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
RETURN e {.id, .name, .roles, .country, .region, .uscc, .creditGrade, standingGrade: coalesce(e.standingGrade, e.creditGrade), .declaredGrade,
          blacklisted: EXISTS {
            MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
            WHERE entry.listedAtMs <= $now AND (entry.expiresAtMs IS NULL OR entry.expiresAtMs > $now)
              AND (entry.liftedAtMs IS NULL OR entry.liftedAtMs > $now)
          }} AS enterprise
