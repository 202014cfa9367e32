// Recalls, newest first (openedAt, then id, descending), optionally of one status, class and warning, after a
// keyset cursor ($afterMs, $afterId: the last recall of the previous page), each with its lines ordered by
// enterprise id then batch id. $first + 1 are ordered so `more` tells whether a next page exists; only the
// first $first get their lines read. Recalls stored before they could be closed have no status: they are open.
MATCH (r:Recall)
WHERE ($status IS NULL OR coalesce(r.status, 'OPEN') = $status)
  AND ($recallClass IS NULL OR r.recallClass = $recallClass)
  AND ($warningId IS NULL OR r.warningId = $warningId)
  AND ($afterMs IS NULL OR r.openedAtMs < $afterMs OR (r.openedAtMs = $afterMs AND r.id < $afterId))
WITH r ORDER BY r.openedAtMs DESC, r.id DESC LIMIT $first + 1
WITH collect(r) AS found
WITH found[..$first] AS page, size(found) > $first AS more
UNWIND page AS r
CALL (r) {
  OPTIONAL MATCH (l:RecallLine)-[:OF_RECALL]->(r)
  WITH l ORDER BY l.enterprise, l.batch
  RETURN collect(l {.*}) AS lines
}
RETURN r {.*} AS recall, lines, more
