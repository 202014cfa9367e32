// The local exporters a foreign measure affects: enterprises outside the measure's country that shipped goods
// under one of its HS-code prefixes (on the lot's product) in an EXPORT shipment to an enterprise of that country,
// shipped at or after $since. Volumes per exporter and unit (the lot's unit; different units are never added),
// with the shipment count, the products and the last shipment. By exporter id, at most $limit exporters.
MATCH (m:ForeignMeasure {id: $id})
UNWIND m.hsCodes AS prefix
MATCH (p:Product) WHERE p.hsCode STARTS WITH prefix
WITH DISTINCT m, p
MATCH (p)<-[:OF_PRODUCT]-(b:Batch)<-[:CARRIES]-(s:Shipment {direction: 'EXPORT'})-[:TO]->(dest:Enterprise)
WHERE dest.country = m.country AND s.shippedAtMs >= $since
MATCH (s)-[:FROM]->(x:Enterprise)
WHERE x.country IS NULL OR x.country <> m.country
WITH x, b.unit AS unit, count(s) AS shipments, sum(s.quantity) AS quantity, collect(DISTINCT p.id) AS products,
     max(s.shippedAtMs) AS lastMs
ORDER BY unit
WITH x, collect({unit: unit, quantity: quantity, shipments: shipments}) AS volumes, sum(shipments) AS shipments,
     collect(products) AS products, max(lastMs) AS lastMs
ORDER BY x.id
LIMIT $limit
RETURN x.id AS enterprise, x.name AS name, x.country AS country, volumes, shipments,
       reduce(acc = [], ps IN products | acc + [q IN ps WHERE NOT q IN acc]) AS products, lastMs
