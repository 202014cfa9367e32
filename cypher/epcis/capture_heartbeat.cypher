// A running capture job says it is alive: its heartbeat, on the server's clock (timestamp()), which all replicas
// share. A job that has ended keeps the heartbeat of its end.
MATCH (c:EpcisCapture {captureID: $captureID})
WHERE c.running
SET c.heartbeatAtMs = timestamp()
RETURN count(c) AS beating
