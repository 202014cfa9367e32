// Batches of $product (null: any), made by $producer (null: any), produced within [$fromMs, $toMs] (epoch ms,
// either bound null: open); by id after $after (null: from the start), at most $limit. A producer or product
// given starts the match at that node (its few lots); otherwise the producedAtMs range index or the id order.
MATCH (b:Batch)
WHERE ($after IS NULL OR b.id > $after)
  AND ($fromMs IS NULL OR b.producedAtMs >= $fromMs)
  AND ($toMs IS NULL OR b.producedAtMs <= $toMs)
  AND ($product IS NULL OR EXISTS { (b)-[:OF_PRODUCT]->(:Product {id: $product}) })
  AND ($producer IS NULL OR EXISTS { (:Enterprise {id: $producer})-[:PRODUCED]->(b) })
RETURN b.id AS id
ORDER BY id
LIMIT $limit
