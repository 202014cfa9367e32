// Stored events by eventID (GET /epcis/events/{eventID}, a batch's events), as captured.
UNWIND $ids AS id
MATCH (e:EpcisEvent {eventID: id})
WHERE $capturedBy IS NULL OR e.capturedBy = $capturedBy
RETURN e.json AS json, e.eventID AS eventID, e.recordTime AS recordTime
