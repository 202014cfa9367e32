// A capture job (the CaptureJob of the REST binding): created when a capture starts, updated when it ends.
MERGE (c:EpcisCapture {captureID: $job.captureID})
SET c += $job
RETURN c.captureID AS captureID
