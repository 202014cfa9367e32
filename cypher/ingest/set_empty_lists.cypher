// Initial load (graph/ingest/bulk.py): the list properties that are empty, which CSV cannot carry, set on the
// loaded nodes as an import's upsert sets them. $label and $key come from the record types (bulk.LABELS) and
// their fields, never from input text; $ids: a bounded chunk of node ids.
UNWIND $ids AS id
MATCH (n:$($label) {id: id})
SET n[$key] = []
RETURN count(n) AS set
