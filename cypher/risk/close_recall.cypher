// Close a recall: status, when, why, by whom, and the final report (JSON text) frozen at closing. The caller holds
// the recall's lock (risk/lock_recall) and has checked it is open; the WHERE keeps a second close from rewriting
// a report all the same.
MATCH (r:Recall {id: $id})
WHERE coalesce(r.status, 'OPEN') = 'OPEN'
SET r.status = 'CLOSED', r.closedAtMs = $now, r.closeReason = $reason, r.closedBy = $by, r.finalReport = $report
RETURN r.id AS id
