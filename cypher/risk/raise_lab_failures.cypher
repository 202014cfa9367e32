// A FAIL report from a recognised lab, ACTIVE now and when it tested (graph/supervision.py: a report issued while
// the lab was suspended or revoked never counts), raises a LAB_FAILURE signal on its batch by itself; severity,
// probability and hazard come from $risks, keyed by the product category (graph/settings.py). The signal's id
// derives from the report's, so re-importing the report raises nothing new; a corrected report moves its signal
// to the batch it now names. A new signal is marked for its incident to be found (risk/link_incidents).
UNWIND $ids AS id
MATCH (lab:Lab)-[:ISSUED]->(r:TestReport {id: id})-[:TESTED]->(b:Batch)-[:OF_PRODUCT]->(p:Product)
WHERE r.result = 'FAIL' AND lab.recognized AND lab.status = 'ACTIVE'
WITH lab, r, b, p,
     [i IN range(0, size(coalesce(lab.statusHistory, [])) - 1)
      WHERE lab.statusSinceMs[i] <= r.testedAtMs | lab.statusHistory[i]] AS statusesUntilTested
WHERE coalesce(last(statusesUntilTested), 'ACTIVE') = 'ACTIVE'
WITH lab, r, b, p, $risks[p.category] AS risk
MERGE (s:RiskSignal {id: 'LAB_FAILURE:' + r.id})
  ON CREATE SET s.source = 'LAB_FAILURE', s.hazard = risk.hazard, s.severity = risk.severity,
                s.probability = risk.probability, s.receivedAt = r.testedAt, s.receivedAtMs = r.testedAtMs,
                s.subjectKind = 'batch', s.reportId = r.id, s.incidentPending = true
SET s.subjectId = b.id,
    s.description = 'FAIL test report ' + r.id + ' by recognised lab ' + lab.id + ' on batch ' + b.id +
                    ' (' + p.category + ' product ' + p.id + ')'
WITH s, b
CALL (s, b) {
  OPTIONAL MATCH (s)-[old:ABOUT]->(other)
  WHERE other <> b
  DELETE old
}
MERGE (s)-[:ABOUT]->(b)
RETURN count(s) AS raised
