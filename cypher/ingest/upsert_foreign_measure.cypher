// foreign_measure records -> (:ForeignMeasure) nodes: a trading partner's technical trade measure (country, HS-code
// prefixes, requirement, dates, notification). The record replaces the node's properties (last write wins); the
// notices sent about it (foreign/notify_exporters) are the regulator's acts and are not touched.
UNWIND $rows AS row
MERGE (n:ForeignMeasure {id: row.id})
WITH n, row, row.props AS props, n._hash AS before
SET n = props {.*, id: row.id, _hash: row.hash}
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> row.hash THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN before = row.hash THEN 1 ELSE 0 END) AS unchanged
