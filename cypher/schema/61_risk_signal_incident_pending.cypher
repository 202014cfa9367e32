CREATE INDEX risk_signal_incident_pending IF NOT EXISTS FOR (n:RiskSignal) ON (n.incidentPending)
