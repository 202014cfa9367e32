// Trace.edges (contract/core.graphql v2): every INPUT_TO edge whose two ends are among $ids (a trace's root and
// upstream), by output id, then input id; quantity in the input's unit. A second query over the answer's ids
// rather than a part of trace_back, which keeps its measured shape (bench/RESULTS.md) and costs nothing to a
// caller that does not ask for edges: a unique-index seek per output, then its incoming edges only. One row of
// collected maps: 337 edges as rows cost the Python driver 30-40 ms, as one row 4-5 ms.
// LIMIT $limit + 1 lets the caller tell an answer that is too large from one that fits.
UNWIND $ids AS id
MATCH (o:Batch {id: id})<-[r:INPUT_TO]-(i:Batch)
WHERE i.id IN $ids
WITH i, o, r ORDER BY o.id, i.id LIMIT $limit
RETURN collect({input: i.id, output: o.id, quantity: r.quantity, unit: i.unit}) AS edges
