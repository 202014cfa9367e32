// Before an import replaces records of type $type: what each record whose content changes (its stored hash is not
// the row's) said until now, kept as an append-only (:RecordVersion) copy of the node's properties (_hash and
// suppliedBy among them; its id as recordId, so that no version answers for the record's id) with when and by
// whom it was replaced, linked to the node. Written just before the chunk's upsert; MERGE on the replaced content
// (recordId, recordType, _hash) keeps a state once, so an import re-run after a fault between the two writes
// keeps no second copy. One index seek per row: each branch matches one label, and only the branch of $type runs.
UNWIND $rows AS row
CALL (row) {
  MATCH (n:Enterprise {id: row.id}) WHERE $type = 'enterprise' RETURN n
  UNION
  MATCH (n:Person {id: row.id}) WHERE $type = 'person' RETURN n
  UNION
  MATCH (n:Product {id: row.id}) WHERE $type = 'product' RETURN n
  UNION
  MATCH (n:Lab {id: row.id}) WHERE $type = 'lab' RETURN n
  UNION
  MATCH (n:Agency {id: row.id}) WHERE $type = 'agency' RETURN n
  UNION
  MATCH (n:MonitoringPlan {id: row.id}) WHERE $type = 'monitoring_plan' RETURN n
  UNION
  MATCH (n:Batch {id: row.id}) WHERE $type = 'batch' RETURN n
  UNION
  MATCH (n:Shipment {id: row.id}) WHERE $type = 'shipment' RETURN n
  UNION
  MATCH (n:TestReport {id: row.id}) WHERE $type = 'test_report' RETURN n
  UNION
  MATCH (n:BlacklistEntry {id: row.id}) WHERE $type = 'blacklist' RETURN n
  UNION
  MATCH (n:RiskSignal {id: row.id}) WHERE $type = 'risk_signal' RETURN n
  UNION
  MATCH (n:ForeignMeasure {id: row.id}) WHERE $type = 'foreign_measure' RETURN n
}
WITH row, n
WHERE n._hash IS NOT NULL AND n._hash <> row.hash
MERGE (v:RecordVersion {recordId: n.id, recordType: $type, _hash: n._hash})
  ON CREATE SET v += n {.*, id: null}, v.replacedAtMs = $now, v.replacedBy = $suppliedBy
MERGE (v)-[:VERSION_OF]->(n)
RETURN count(v) AS kept
