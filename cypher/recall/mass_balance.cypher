// Mass balance (Batch.massBalanceIssues, Recall.massBalanceIssues): for each lot, its quantity, unit and
// producer, every shipment of it (from, to, quantity) and every use of it as an input (the output lot's
// producer, the quantity used), so the caller can sum what each party produced, received, shipped and used.
// A unique-index seek per lot, then one hop each way: no traversal, and the ids are a request's lots (at most a
// recall's 10 000). One row of collected maps: the Python driver pays per row (see trace/edges).
UNWIND $ids AS id
MATCH (b:Batch {id: id})
RETURN collect({
  batch: b.id, quantity: b.quantity, unit: b.unit,
  producer: [(e:Enterprise)-[:PRODUCED]->(b) | e.id][0],
  shipments: [(s:Shipment)-[:CARRIES]->(b) | {from: [(s)-[:FROM]->(f) | f.id][0], to: [(s)-[:TO]->(t) | t.id][0],
                                              quantity: s.quantity}],
  uses: [(b)-[r:INPUT_TO]->(o:Batch) | {producer: [(m:Enterprise)-[:PRODUCED]->(o) | m.id][0], quantity: r.quantity}]
}) AS batches
