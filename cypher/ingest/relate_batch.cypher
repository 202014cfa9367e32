// A batch's inputs, as the record now states them (old ones are replaced). Runs for every batch of an import,
// changed or not, after all batches exist: a re-run after a fault anywhere completes the missing edges.
UNWIND $rows AS row
MATCH (b:Batch {id: row.id})
// Old inputs are found by expanding from b (a pattern comprehension always is): planned on an empty
// database, a MATCH on (other:Batch) was once solved by scanning every batch per row, 80 times slower.
WITH b, row, [input IN row.inputs | input.batch] AS wanted
FOREACH (old IN [(b)<-[r:INPUT_TO]-(other) WHERE NOT other.id IN wanted | r] | DELETE old)
WITH b, row
CALL (b, row) {
  UNWIND row.inputs AS input
  MATCH (i:Batch {id: input.batch})
  MERGE (i)-[r:INPUT_TO]->(b)
  SET r.quantity = input.quantity
}
RETURN count(b) AS related
