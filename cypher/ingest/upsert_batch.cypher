// batch records -> (:Batch) nodes with their producer and product. The record replaces the node's properties
// (last write wins); the content hash tells an unchanged record from an updated one, and only a created or
// changed batch has its PRODUCED / OF_PRODUCT rewritten (in this same transaction, so they never disagree).
// Inputs may name batches later in the file: relate_batch writes INPUT_TO once every batch exists.
UNWIND $rows AS row
MERGE (n:Batch {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash}
WITH n, row, before
CALL (n, row, before) {
  WITH n, row
  WHERE before IS NULL OR before <> row.hash
  MATCH (p:Product {id: row.product})
  MATCH (e:Enterprise {id: row.producer})
  CALL (n) {
    OPTIONAL MATCH (n)-[old:OF_PRODUCT]->()
    DELETE old
  }
  CALL (n) {
    OPTIONAL MATCH ()-[old:PRODUCED]->(n)
    DELETE old
  }
  CREATE (n)-[:OF_PRODUCT]->(p)
  CREATE (e)-[:PRODUCED]->(n)
}
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
