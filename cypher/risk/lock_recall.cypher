// One recall, locked for the rest of the transaction (the SET takes its write lock before its state is read), and
// whether it is still open. Returns, notices and closing take it first, so a recall cannot close between a return's
// check and its write, and a final report sees every return committed before it. Recalls stored before they could
// be closed have no status: they are open.
MATCH (r:Recall {id: $id})
SET r.lockedAtMs = $now
RETURN coalesce(r.status, 'OPEN') AS status, r.closedAtMs AS closedAtMs, r.closeReason AS closeReason
