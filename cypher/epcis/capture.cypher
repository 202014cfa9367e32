// One capture job by id.
MATCH (c:EpcisCapture {captureID: $captureID})
RETURN c {.*} AS job
