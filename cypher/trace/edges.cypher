// Trace.edges (contract/core.graphql v2): every INPUT_TO edge whose two ends are among $ids (a trace's root and
// upstream), by output id, then input id; quantity in the input's unit. A second query over the answer's ids
// rather than a part of trace_back, which keeps its measured shape (bench/RESULTS.md) and costs nothing to a
// caller that does not ask for edges: a unique-index seek per output, then its incoming edges only.
// LIMIT $limit + 1 lets the caller tell an answer that is too large from one that fits.
UNWIND $ids AS id
MATCH (o:Batch {id: id})<-[r:INPUT_TO]-(i:Batch)
WHERE i.id IN $ids
RETURN i.id AS input, o.id AS output, r.quantity AS quantity, i.unit AS unit
ORDER BY output, input
LIMIT $limit
