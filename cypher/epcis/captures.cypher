// The capture jobs, newest first (bounded): all, or those one supplier started.
MATCH (c:EpcisCapture)
WHERE $capturedBy IS NULL OR c.capturedBy = $capturedBy
RETURN c {.*} AS job
ORDER BY c.createdAt DESC, c.captureID
LIMIT $limit
