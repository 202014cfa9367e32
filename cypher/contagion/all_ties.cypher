// The whole tie graph, for graph/contagion.py's per-process cache, with the version it belongs to. The version is
// read first (an aggregation, finished before the ties are read): a refresh committed meanwhile can only make the
// ties newer than the version, so the next request sees a new version and reads them again; never older ties under
// a newer version. At most $limit ties (the caller asks one more than contagion_max_ties: a larger graph is not
// cached, the per-request neighbourhood reads only what the paths can use). Parallel columns in one row, as in
// neighbourhood.cypher: the kind follows from the weight, via is '' when unset (collect drops nulls).
OPTIONAL MATCH (v:TieVersion)
WITH v ORDER BY v._version
WITH collect(v._version) AS version
CALL () {
  MATCH (x:Enterprise)-[t:TIED_TO]->(y:Enterprise)
  WITH x, y, t LIMIT $limit
  RETURN collect(x.id) AS a, collect(y.id) AS b, collect(t.weight) AS weight, collect(coalesce(t.via, '')) AS via
}
RETURN version, a, b, weight, via
