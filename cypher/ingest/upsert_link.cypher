// link records -> SHAREHOLDER_OF / LEGAL_REPRESENTATIVE_OF / OFFICER_OF relationships, identified by
// (kind, from, to). row.relType comes from the LinkKind enum (graph/ingest.py), never from input text.
// The holder is a Person, or (SHAREHOLDER only) an Enterprise: exactly one of fromPerson/fromEnterprise is set.
UNWIND $rows AS row
CALL (row) {
  MATCH (p:Person {id: row.fromPerson}) RETURN p AS holder
  UNION
  MATCH (p:Enterprise {id: row.fromEnterprise}) RETURN p AS holder
}
MATCH (t:Enterprise {id: row.to})
OPTIONAL MATCH (holder)-[old:$(row.relType)]->(t)
WITH holder, t, row, old IS NOT NULL AS existed, old.share AS before
MERGE (holder)-[r:$(row.relType)]->(t)
SET r.share = row.share
WITH holder, t, row, existed, before
// A new or changed link may change ties (contagion): of the two enterprises, or, for a person, of every
// enterprise the person serves. Recorded in a (:TiesToRefresh) work item in this transaction.
OPTIONAL CALL (holder, t, row, existed, before) {
  WITH holder, t
  WHERE NOT existed OR coalesce(before, -1) <> coalesce(row.share, -1)
  OPTIONAL MATCH (holder:Person)-[:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(served:Enterprise)
  WITH holder, t, collect(served.id) AS served
  RETURN [t.id] + CASE WHEN holder:Enterprise THEN [holder.id] ELSE [] END + served AS touched
}
WITH row, existed, before, touched
WITH sum(CASE WHEN existed THEN 0 ELSE 1 END) AS created,
     sum(CASE WHEN existed AND coalesce(before, -1) <> coalesce(row.share, -1) THEN 1 ELSE 0 END) AS updated,
     sum(CASE WHEN existed AND coalesce(before, -1) = coalesce(row.share, -1) THEN 1 ELSE 0 END) AS unchanged,
     collect(touched) AS touchedLists
CALL (touchedLists) {
  UNWIND touchedLists AS touched
  UNWIND touched AS id
  WITH collect(DISTINCT id) AS touched
  WHERE size(touched) > 0
  CREATE (:TiesToRefresh {enterprises: touched})
}
RETURN created, updated, unchanged
