// Foreign technical trade measures by id, with the notices sent about them (exporter, who signed, when).
UNWIND $ids AS id
MATCH (m:ForeignMeasure {id: id})
CALL (m) {
  OPTIONAL MATCH (n:ForeignMeasureNotice)-[:ABOUT]->(m)
  WITH n ORDER BY n.enterpriseId
  RETURN collect(n {.*}) AS notices
}
RETURN m {.*, notices: notices} AS measure
