// The version of the tie graph (set by every cypher/contagion/refresh_ties.cypher): graph/contagion.py reuses its
// cached tie graph while this is the version it was read at. Empty before any refresh (a database of an earlier
// release, or just wiped): nothing is cached then. A list, so that the TieVersion nodes two first refreshes may have
// created at once still name one version (both get every later version).
OPTIONAL MATCH (v:TieVersion)
WITH v ORDER BY v._version
RETURN collect(v._version) AS version
