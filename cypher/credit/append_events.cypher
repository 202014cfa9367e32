// Append credit events with gap-free, strictly increasing seq numbers, and an `at` that never decreases along
// them. Incrementing the counter takes its write lock (a SET that reads the property it writes locks first),
// held until commit: the transaction that draws seq n commits before any transaction can draw n + 1, so seq
// order is commit order and a reader that sees n + 1 also sees n. Under the same lock `at` is $now, or the
// previous events' `at` when that is later (a transaction that read its clock earlier but queued longer).
// effectiveAtMs is the legal date of the act (a listing's start or end, a decision's time). Callers only send a
// non-empty $events.
MERGE (c:Sequence {name: 'creditEvent'})
  ON CREATE SET c.value = 0
SET c.value = c.value + size($events)
WITH c, c.value - size($events) AS base
SET c.atMs = CASE WHEN c.atMs > $now THEN c.atMs ELSE $now END
WITH base, c.atMs AS at
UNWIND range(0, size($events) - 1) AS i
WITH base + i + 1 AS seq, $events[i] AS ev, at
MATCH (e:Enterprise {id: ev.enterprise})
CREATE (x:CreditEvent {seq: seq, enterpriseId: ev.enterprise, fromGrade: ev.fromGrade, toGrade: ev.toGrade,
                       kind: ev.kind, reason: ev.reason, decidedBy: ev.decidedBy, evidence: ev.evidence,
                       atMs: at, effectiveAtMs: coalesce(ev.effectiveAtMs, at)})
CREATE (x)-[:CONCERNS]->(e)
RETURN collect(seq) AS seqs, at
