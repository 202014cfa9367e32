// Store the outcome of a grade evaluation at $now: the effective grade, the standing grade beneath any listing
// (declared, then changed by reviews and regulators), and the declared grade already taken into account.
UNWIND $states AS s
MATCH (e:Enterprise {id: s.id})
SET e.creditGrade = s.grade, e.standingGrade = s.standing, e.declaredGradeSeen = s.declaredSeen,
    e.creditCheckedAtMs = $now
RETURN count(e) AS stored
