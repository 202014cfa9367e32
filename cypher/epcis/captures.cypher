// The capture jobs, newest first (bounded): all, or those one supplier started; and the server's clock now (the
// reader tells a job whose heartbeat stopped by it).
MATCH (c:EpcisCapture)
WHERE $capturedBy IS NULL OR c.capturedBy = $capturedBy
RETURN c {.*} AS job, timestamp() AS nowMs
ORDER BY c.createdAt DESC, c.captureID
LIMIT $limit
