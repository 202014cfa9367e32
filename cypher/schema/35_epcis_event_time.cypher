CREATE INDEX epcis_event_time IF NOT EXISTS FOR (n:EpcisEvent) ON (n.eventTime, n.seq)
