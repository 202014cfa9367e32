// The test history the sampling score reads, for the candidates' producers, products and (producer, product)
// pairs: reports tested and failed, and those issued by a lab that is not recognised or not ACTIVE (per producer);
// the latest test of the pair. Bounded by the lists passed (one page of candidates' distinct ids).
CALL () {
  UNWIND $producers AS id
  MATCH (e:Enterprise {id: id})
  OPTIONAL MATCH (e)-[:PRODUCED]->(:Batch)<-[:TESTED]-(r:TestReport)
  OPTIONAL MATCH (l:Lab)-[:ISSUED]->(r)
  WITH id, count(r) AS tested, count(CASE WHEN r.result = 'FAIL' THEN 1 END) AS failed,
       count(CASE WHEN r IS NOT NULL AND (l IS NULL OR NOT coalesce(l.recognized, false)
                  OR coalesce(l.status, 'ACTIVE') <> 'ACTIVE') THEN 1 END) AS doubtful
  RETURN collect({id: id, tested: tested, failed: failed, doubtful: doubtful}) AS producers
}
CALL () {
  UNWIND $products AS id
  MATCH (p:Product {id: id})
  OPTIONAL MATCH (p)<-[:OF_PRODUCT]-(:Batch)<-[:TESTED]-(r:TestReport)
  WITH id, count(r) AS tested, count(CASE WHEN r.result = 'FAIL' THEN 1 END) AS failed
  RETURN collect({id: id, tested: tested, failed: failed}) AS products
}
CALL () {
  UNWIND $pairs AS pair
  MATCH (e:Enterprise {id: pair.producer})-[:PRODUCED]->(b:Batch)-[:OF_PRODUCT]->(:Product {id: pair.product})
  OPTIONAL MATCH (b)<-[:TESTED]-(r:TestReport)
  WITH pair, max(r.testedAtMs) AS lastTestedMs
  RETURN collect({producer: pair.producer, product: pair.product, lastTestedMs: lastTestedMs}) AS pairs
}
RETURN producers, products, pairs
