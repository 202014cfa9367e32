// One consignee's line of a recall, locked for the rest of the transaction (the SET takes its write lock
// before the quantities are read), so concurrent returns cannot together exceed what was shipped.
MATCH (l:RecallLine {key: $key})
SET l.lockedAtMs = $now
RETURN l {.*} AS line
