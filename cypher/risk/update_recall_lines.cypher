// Record returns and notifications on recall lines.
UNWIND $lines AS line
MATCH (l:RecallLine {key: line.key})
SET l.returned = line.returned, l.notified = line.notified, l.updatedAtMs = $now
RETURN count(l) AS updated
