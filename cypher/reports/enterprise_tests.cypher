// An enterprise's monitoring results for a report: the test reports on the lots it produced, tested in
// [$from, $to) (epoch ms), with the lot, product and lab; newest first, at most $limit (the report says when cut).
MATCH (e:Enterprise {id: $id})-[:PRODUCED]->(b:Batch)<-[:TESTED]-(t:TestReport)
WHERE t.testedAtMs >= $from AND t.testedAtMs < $to
MATCH (b)-[:OF_PRODUCT]->(p:Product)
OPTIONAL MATCH (l:Lab)-[:ISSUED]->(t)
RETURN t.id AS id, t.result AS result, t.testedAt AS testedAt, t.items AS items, b.id AS batch, p.id AS product,
       p.name AS productName, p.hsCode AS hsCode, l.id AS lab, l.name AS labName
ORDER BY t.testedAtMs DESC, id
LIMIT $limit
