// The warnings whose targets match a lot the enterprise produced (batch, product, producer, HS-code prefix, origin
// country: risk/warning_hits' rule) and that were in force at some time in [$from, $to): effective before $to and
// not lifted before $from. Each with the enterprise's lots it matched (at most 20 named); newest first.
MATCH (e:Enterprise {id: $id})-[:PRODUCED]->(b:Batch)-[:OF_PRODUCT]->(p:Product)
MATCH (w:RiskWarning)
WHERE w.effectiveFromMs < $to AND (w.liftedAtMs IS NULL OR w.liftedAtMs >= $from)
  AND (b.id IN w.batchIds OR p.id IN w.productIds OR e.id IN w.enterpriseIds
       OR b.originCountry IN w.originCountries
       OR any(prefix IN coalesce(w.hsCodePrefixes, []) WHERE p.hsCode STARTS WITH prefix))
WITH w, collect(DISTINCT b.id) AS lots
RETURN w {.*} AS warning, lots[..20] AS lots, size(lots) AS lotCount
ORDER BY w.effectiveFromMs DESC, w.id
LIMIT $limit
