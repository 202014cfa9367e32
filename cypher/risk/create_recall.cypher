// Open a recall with the snapshot of its scope: one RecallLine per consignee and batch with what it received
// (shipped), forwarded and used, in the batch's unit, so later data does not move it. Under the warning it answers,
// when there is one.
CREATE (r:Recall)
SET r = $recall
WITH r
CALL (r) {
  MATCH (w:RiskWarning {id: $recall.warningId})
  CREATE (r)-[:UNDER]->(w)
}
WITH r
UNWIND $lines AS line
CREATE (l:RecallLine)
SET l = line, l.key = r.id + '|' + line.enterprise + '|' + line.batch, l.recallId = r.id,
    l.returned = 0.0, l.notified = false
CREATE (l)-[:OF_RECALL]->(r)
RETURN count(l) AS lines
