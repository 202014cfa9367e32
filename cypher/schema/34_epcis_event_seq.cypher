CREATE INDEX epcis_event_seq IF NOT EXISTS FOR (n:EpcisEvent) ON (n.recordTime, n.seq)
