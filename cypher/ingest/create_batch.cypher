// batch records the import knows to be new (ingest/stored_hashes found no node for them) -> (:Batch) nodes with
// their producer, product and the inputs that exist by now, created rather than merged: no lookup of an existing
// node or of old relationships to replace (about a third cheaper per row than upsert_batch). Should another
// writer create one of them after that read, the uniqueness constraint fails this statement and the import
// upserts the chunk instead (graph/ingest/write.py), so nothing is duplicated. An input that does not exist yet
// (a batch later in the file) is left to relate_batch: `short` names the batches with fewer inputs linked than
// stated. INPUT_TO is MERGEd, as relate_batch does, although the new batch has none yet.
UNWIND $rows AS row
CREATE (n:Batch)
WITH n, row, row.props AS props
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row
CALL (n, row) {
  MATCH (p:Product {id: row.product})
  MATCH (e:Enterprise {id: row.producer})
  CREATE (n)-[:OF_PRODUCT]->(p)
  CREATE (e)-[:PRODUCED]->(n)
}
CALL (n, row) {
  UNWIND row.inputs AS input
  MATCH (i:Batch {id: input.batch})
  MERGE (i)-[r:INPUT_TO]->(n)
  SET r.quantity = input.quantity
  RETURN count(r) AS linked
}
RETURN count(n) AS created, 0 AS updated, 0 AS unchanged,
       collect(CASE WHEN linked < size(row.inputs) THEN row.id END) AS short
