// Lots that arrived as RECORDS.md records, not from EPCIS (their ids are not EPC class URNs and no captured event
// names them), with their product, producer and inputs: GET /epcis/export writes them as EPCIS events. Bounded.
MATCH (b:Batch)
WHERE NOT b.id STARTS WITH 'urn:epc:class:'
  AND NOT EXISTS { MATCH (:EpcisKey {key: 'uri:' + b.id}) }
WITH b
ORDER BY b.id
LIMIT $limit
OPTIONAL MATCH (b)-[:OF_PRODUCT]->(p:Product)
OPTIONAL MATCH (e:Enterprise)-[:PRODUCED]->(b)
RETURN b.id AS id, b.quantity AS quantity, b.unit AS unit, b.producedAt AS producedAt, p.id AS product,
       e.id AS producer,
       [(i:Batch)-[r:INPUT_TO]->(b) | {batch: i.id, quantity: r.quantity, unit: i.unit}] AS inputs
