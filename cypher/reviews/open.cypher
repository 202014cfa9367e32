// Open a downgrade review per exposed enterprise, unless one is already open: `openFor` (unique, removed on
// decision) allows one open review per enterprise, also under concurrent requests. Each review keeps the
// snapshot of the evidence that opened it.
UNWIND $rows AS row
MATCH (e:Enterprise {id: row.enterprise})
MERGE (r:DowngradeReview {openFor: row.enterprise})
  ON CREATE SET r.id = row.id, r.status = 'OPEN', r.score = row.score, r.action = row.action,
                r.evidence = row.evidence, r.sources = row.sources, r.maxHops = row.maxHops,
                r.gradeAtOpening = e.creditGrade, r.openedAtMs = $now, r.openedBy = $by
MERGE (r)-[:CONCERNS]->(e)
RETURN r {.*, enterpriseId: e.id} AS review, r.id = row.id AS opened
