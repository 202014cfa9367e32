// The import's cycle check (graph/ingest/check.py) walks up the graph's INPUT_TO edges a level at a time: the
// inputs the graph holds for each of the given batches. One row per batch with its inputs collected, since the
// driver pays per row; a chunk of ids at a time, and no batch has more inputs than a bill of materials lists.
UNWIND $ids AS id
MATCH (:Batch {id: id})<-[:INPUT_TO]-(input:Batch)
RETURN id AS output, collect(input.id) AS inputs
