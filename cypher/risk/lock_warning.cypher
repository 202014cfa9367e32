// A warning, locked for the rest of the transaction (the SET takes its write lock before anything is read),
// so two officers cannot adjust or lift it at the same time from the same state.
MATCH (w:RiskWarning {id: $id})
SET w.lockedAtMs = $now
RETURN w {.*} AS warning
