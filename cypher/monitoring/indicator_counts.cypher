// Monthly counts over a group of lots ($batchIds, at most the caller's lot limit) within [$fromMs, $untilMs):
// test reports and passes by testedAt; shipments by shippedAt; distinct risk signals by receivedAt about a lot of
// the group, a product in $productIds or an enterprise in $enterpriseIds; the recalls opened whose scope holds a
// lot of the group (ids, for their effectiveness). Months are UTC 'YYYY-MM'. Each list has one entry per month.
CALL () {
  UNWIND $batchIds AS id
  MATCH (:Batch {id: id})<-[:TESTED]-(r:TestReport)
  WHERE $fromMs <= r.testedAtMs < $untilMs
  WITH substring(toString(datetime({epochMillis: r.testedAtMs})), 0, 7) AS month, r
  WITH month, count(r) AS tested, count(CASE WHEN r.result = 'PASS' THEN 1 END) AS passed ORDER BY month
  RETURN collect({month: month, tested: tested, passed: passed}) AS tests
}
CALL () {
  UNWIND $batchIds AS id
  MATCH (:Batch {id: id})<-[:CARRIES]-(s:Shipment)
  WHERE $fromMs <= s.shippedAtMs < $untilMs
  WITH substring(toString(datetime({epochMillis: s.shippedAtMs})), 0, 7) AS month, count(s) AS n ORDER BY month
  RETURN collect({month: month, n: n}) AS shipments
}
CALL () {
  CALL () {
    UNWIND $batchIds AS id
    MATCH (:Batch {id: id})<-[:ABOUT]-(sig:RiskSignal)
    RETURN sig
    UNION
    UNWIND $productIds AS id
    MATCH (:Product {id: id})<-[:ABOUT]-(sig:RiskSignal)
    RETURN sig
    UNION
    UNWIND $enterpriseIds AS id
    MATCH (:Enterprise {id: id})<-[:ABOUT]-(sig:RiskSignal)
    RETURN sig
  }
  WITH DISTINCT sig
  WHERE $fromMs <= sig.receivedAtMs < $untilMs
  WITH substring(toString(datetime({epochMillis: sig.receivedAtMs})), 0, 7) AS month, count(sig) AS n ORDER BY month
  RETURN collect({month: month, n: n}) AS signals
}
CALL () {
  MATCH (r:Recall)
  WHERE $fromMs <= r.openedAtMs < $untilMs AND any(id IN r.affectedBatchIds WHERE id IN $batchIds)
  WITH r ORDER BY r.openedAtMs, r.id
  LIMIT $limit
  RETURN collect(r.id) AS recalls
}
RETURN tests, shipments, signals, recalls
