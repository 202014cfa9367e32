// A batch's inputs, as the record now states them (old ones are replaced). Runs for every batch of an import,
// changed or not, after all batches exist: a re-run after a fault anywhere completes the missing edges.
UNWIND $rows AS row
MATCH (b:Batch {id: row.id})
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
