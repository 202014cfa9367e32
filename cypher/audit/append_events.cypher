// Append a request's audit events, with gap-free, strictly increasing seq numbers in commit order (as
// credit/append_events.cypher): incrementing the counter takes its write lock, held until commit, so the
// transaction that draws seq n commits before any other can draw n + 1. Under the same lock `at` is $now or the
// previous events' `at` when that is later, so `at` never decreases along seq. The events are only ever
// created: no statement in cypher/ sets, removes or deletes a property of an AuditEvent (tests/graph/test_audit.py
// reads every file for that). Callers only send a non-empty $events.
MERGE (counter:Sequence {name: 'auditEvent'})
  ON CREATE SET counter.value = 0
SET counter.value = counter.value + size($events)
WITH counter, counter.value - size($events) AS base
SET counter.atMs = CASE WHEN counter.atMs > $now THEN counter.atMs ELSE $now END
WITH base, counter.atMs AS at
UNWIND range(0, size($events) - 1) AS i
WITH base + i + 1 AS seq, $events[i] AS ev, at
CREATE (x:AuditEvent {seq: seq, atMs: at, subject: ev.subject, roles: ev.roles, operation: ev.operation,
                      ids: ev.ids, outcome: ev.outcome, requestId: ev.requestId})
RETURN collect(seq) AS seqs, at
