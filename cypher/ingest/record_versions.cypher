// What a record said before imports replaced it, newest first: its (:RecordVersion) copies (ingest/keep_versions).
MATCH (v:RecordVersion {recordId: $id})
WHERE v.recordType = $type
RETURN properties(v) AS version
ORDER BY v.replacedAtMs DESC
LIMIT $limit
