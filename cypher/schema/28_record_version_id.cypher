CREATE INDEX record_version_record_id IF NOT EXISTS FOR (n:RecordVersion) ON (n.recordId)
