// Enterprises whose stored grade may no longer follow from their records at $now: a declared grade not yet
// taken into account, a grade held below the standing one (only a listing may hold it there), or a listing
// that is in force or has expired since the grade was last evaluated. A small set: listed and downgraded
// enterprises. Re-evaluating one whose grade is right changes nothing.
MATCH (e:Enterprise)
WHERE e.declaredGrade <> e.declaredGradeSeen
   OR e.creditGrade <> e.standingGrade
   OR EXISTS {
        MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
        WHERE entry.listedAtMs <= $now AND entry.liftedAtMs IS NULL
          AND coalesce(entry.expiresAtMs, $now + 1) > coalesce(e.creditCheckedAtMs, 0)
      }
RETURN e.id AS id
ORDER BY id
LIMIT $limit
