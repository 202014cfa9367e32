CREATE INDEX risk_signal_subject IF NOT EXISTS FOR (n:RiskSignal) ON (n.subjectId, n.hazard)
