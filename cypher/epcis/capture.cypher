// One capture job by id, and the server's clock now (the reader tells a job whose heartbeat stopped by it).
MATCH (c:EpcisCapture {captureID: $captureID})
RETURN c {.*} AS job, timestamp() AS nowMs
