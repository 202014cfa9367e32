// The credit state of each enterprise, locked for the rest of the transaction: the SET takes the node's
// write lock before anything is read, so concurrent grade changes of one enterprise run one after the other
// and each reads the state the previous one committed.
// $ids come sorted, so two transactions lock in the same order and cannot deadlock on each other.
// checkedAtMs: when the grade was last evaluated (credit/set_states), to tell which listings ended since.
// A grade never stored is the declared grade (REGULAR when none is declared); listings come by id.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
SET e.creditLockedAtMs = timestamp()
WITH e
CALL (e) {
  OPTIONAL MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
  OPTIONAL MATCH (entry)-[:BY]->(agency:Agency)
  WITH entry, agency ORDER BY entry.id
  RETURN collect(entry {.id, .reason, .serious, .listedAt, .listedAtMs, .expiresAt, .expiresAtMs,
                        .liftedAtMs, .liftedBy, .liftReason, agencyId: agency.id}) AS listings
}
WITH e, listings, coalesce(e.declaredGrade, 'REGULAR') AS declared
RETURN e.id AS id, coalesce(e.creditGrade, declared) AS grade, coalesce(e.standingGrade, declared) AS standing,
       declared, coalesce(e.declaredGradeSeen, declared) AS declaredSeen, e.creditCheckedAtMs AS checkedAtMs, listings
