// An information notice about a foreign measure to each of $exporters: one (:ForeignMeasureNotice) per measure and
// exporter, signed by $by at $now, ABOUT the measure and TO the exporter. MERGE: notifying again keeps the first
// notice (who signed it and when) and says so with `created`.
MATCH (m:ForeignMeasure {id: $id})
UNWIND $exporters AS exporter
MATCH (e:Enterprise {id: exporter.enterprise})
MERGE (n:ForeignMeasureNotice {id: m.id + '|' + e.id})
  ON CREATE SET n.measureId = m.id, n.enterpriseId = e.id, n.signedBy = $by, n.sentAtMs = $now,
                n.text = exporter.text, n._new = true
MERGE (n)-[:ABOUT]->(m)
MERGE (n)-[:TO]->(e)
WITH n, coalesce(n._new, false) AS created
REMOVE n._new
RETURN n {.*} AS notice, created
ORDER BY notice.enterpriseId
