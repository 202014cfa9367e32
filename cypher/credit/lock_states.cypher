// The credit state of each enterprise, locked for the rest of the transaction: the SET takes the node's
// write lock before anything is read, so concurrent grade changes of one enterprise run one after the other
// and each reads the state the previous one committed.
// $ids come sorted, so two transactions lock in the same order and cannot deadlock on each other.
// checkedAtMs: when the grade was last evaluated (credit/set_states), to tell which listings ended since.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
SET e.creditLockedAtMs = timestamp()
WITH e
CALL (e) {
  OPTIONAL MATCH (entry:BlacklistEntry)-[:AGAINST]->(e)
  OPTIONAL MATCH (entry)-[:BY]->(agency:Agency)
  RETURN collect(entry {.id, .reason, .serious, .listedAt, .listedAtMs, .expiresAt, .expiresAtMs,
                        .liftedAtMs, .liftedBy, .liftReason, agency: agency.id}) AS listings
}
RETURN e.id AS id, e.creditGrade AS grade, e.standingGrade AS standing, e.declaredGrade AS declared,
       e.declaredGradeSeen AS declaredSeen, e.creditCheckedAtMs AS checkedAtMs, listings
