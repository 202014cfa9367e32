// A capture job (the CaptureJob of the REST binding): created when a capture starts, updated when it ends. Every
// save is a heartbeat too, on the server's clock (timestamp()), which all replicas share.
MERGE (c:EpcisCapture {captureID: $job.captureID})
SET c += $job, c.heartbeatAtMs = timestamp()
RETURN c.captureID AS captureID
