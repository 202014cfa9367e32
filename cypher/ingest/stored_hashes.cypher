// Dry run (graph/ingest/preview.py): the content hash each record's node has now, and the share of each link that
// exists, so that an import can say what it would create, update or leave unchanged without writing.
// A record absent from the answer would be created. $links: {relType (from the LinkKind enum), from, to}.
CALL () { UNWIND $enterprise AS id MATCH (n:Enterprise {id: id}) RETURN collect([id, n._hash]) AS enterprise }
CALL () { UNWIND $person AS id MATCH (n:Person {id: id}) RETURN collect([id, n._hash]) AS person }
CALL () { UNWIND $product AS id MATCH (n:Product {id: id}) RETURN collect([id, n._hash]) AS product }
CALL () { UNWIND $lab AS id MATCH (n:Lab {id: id}) RETURN collect([id, n._hash]) AS lab }
CALL () { UNWIND $agency AS id MATCH (n:Agency {id: id}) RETURN collect([id, n._hash]) AS agency }
CALL () {
  UNWIND $monitoring_plan AS id MATCH (n:MonitoringPlan {id: id}) RETURN collect([id, n._hash]) AS monitoring_plan
}
CALL () { UNWIND $batch AS id MATCH (n:Batch {id: id}) RETURN collect([id, n._hash]) AS batch }
CALL () { UNWIND $shipment AS id MATCH (n:Shipment {id: id}) RETURN collect([id, n._hash]) AS shipment }
CALL () { UNWIND $test_report AS id MATCH (n:TestReport {id: id}) RETURN collect([id, n._hash]) AS test_report }
CALL () { UNWIND $blacklist AS id MATCH (n:BlacklistEntry {id: id}) RETURN collect([id, n._hash]) AS blacklist }
CALL () { UNWIND $risk_signal AS id MATCH (n:RiskSignal {id: id}) RETURN collect([id, n._hash]) AS risk_signal }
CALL () {
  UNWIND $foreign_measure AS id MATCH (n:ForeignMeasure {id: id}) RETURN collect([id, n._hash]) AS foreign_measure
}
CALL () {
  UNWIND $links AS link
  MATCH (t:Enterprise {id: link.to})
  CALL (link, t) {
    MATCH (:Person {id: link.from})-[r:$(link.relType)]->(t) RETURN r
    UNION
    MATCH (:Enterprise {id: link.from})-[r:$(link.relType)]->(t) RETURN r
  }
  RETURN collect([link.relType, link.from, link.to, r.share]) AS links
}
RETURN enterprise, person, product, lab, agency, monitoring_plan, batch, shipment, test_report, blacklist, risk_signal,
       foreign_measure, links
