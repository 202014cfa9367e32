// A batch's producer, product and inputs, as the record now states them (old ones are replaced).
UNWIND $rows AS row
MATCH (b:Batch {id: row.id})
MATCH (p:Product {id: row.product})
MATCH (e:Enterprise {id: row.producer})
CALL (b, p) {
  OPTIONAL MATCH (b)-[old:OF_PRODUCT]->(other) WHERE other <> p
  DELETE old
}
MERGE (b)-[:OF_PRODUCT]->(p)
WITH b, e, row
CALL (b, e) {
  OPTIONAL MATCH (other)-[old:PRODUCED]->(b) WHERE other <> e
  DELETE old
}
MERGE (e)-[:PRODUCED]->(b)
WITH b, row
CALL (b, row) {
  OPTIONAL MATCH (other:Batch)-[old:INPUT_TO]->(b)
  WHERE NOT other.id IN [input IN row.inputs | input.batch]
  DELETE old
}
CALL (b, row) {
  UNWIND row.inputs AS input
  MATCH (i:Batch {id: input.batch})
  MERGE (i)-[r:INPUT_TO]->(b)
  SET r.quantity = input.quantity
}
RETURN count(b) AS related
