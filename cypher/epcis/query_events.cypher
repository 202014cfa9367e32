// GET /epcis/events: the stored events a SimpleEventQuery selects, one page. Every filter is a parameter that is
// null when not asked (parameters are ANDed, the values of one are ORed); identifier filters compare identity
// keys (graph/epcis/identifiers.py), so any syntax on either side matches. Order: by the sort value (recordTime,
// or eventTime when asked) then the storage sequence, ascending or descending; `after` is the keyset position of
// the previous page's last event, so a capture between two pages neither repeats nor skips events.
MATCH (e:EpcisEvent)
WITH e, CASE $orderBy WHEN 'eventTime' THEN e.eventTime ELSE e.recordTime END AS v
WHERE ($types IS NULL OR e.type IN $types)
  AND ($geEventTime IS NULL OR e.eventTime >= $geEventTime)
  AND ($ltEventTime IS NULL OR e.eventTime < $ltEventTime)
  AND ($geRecordTime IS NULL OR e.recordTime >= $geRecordTime)
  AND ($ltRecordTime IS NULL OR e.recordTime < $ltRecordTime)
  AND ($actions IS NULL OR e.action IN $actions)
  AND ($bizSteps IS NULL OR e.bizStep IN $bizSteps)
  AND ($dispositions IS NULL OR e.disposition IN $dispositions)
  AND ($bizLocations IS NULL OR e.bizLocation IN $bizLocations)
  AND ($readPoints IS NULL OR e.readPoint IN $readPoints)
  AND ($eventIDs IS NULL OR e.eventID IN $eventIDs)
  AND ($transformationIDs IS NULL OR e.transformationID IN $transformationIDs)
  AND ($hasError IS NULL OR e.hasError = $hasError)
  AND ($epc IS NULL OR any(k IN e.epc WHERE k IN $epc))
  AND ($parent IS NULL OR any(k IN e.parent WHERE k IN $parent))
  AND ($inputEpc IS NULL OR any(k IN e.inputEpc WHERE k IN $inputEpc))
  AND ($outputEpc IS NULL OR any(k IN e.outputEpc WHERE k IN $outputEpc))
  AND ($anyEpc IS NULL OR any(k IN e.epc + e.parent + e.inputEpc + e.outputEpc WHERE k IN $anyEpc))
  AND ($epcClass IS NULL OR any(k IN e.epcClass WHERE k IN $epcClass))
  AND ($inputEpcClass IS NULL OR any(k IN e.inputEpcClass WHERE k IN $inputEpcClass))
  AND ($outputEpcClass IS NULL OR any(k IN e.outputEpcClass WHERE k IN $outputEpcClass))
  AND ($anyEpcClass IS NULL
       OR any(k IN e.epcClass + e.inputEpcClass + e.outputEpcClass WHERE k IN $anyEpcClass))
  AND ($capturedBy IS NULL OR e.capturedBy = $capturedBy)
  AND ($after IS NULL
       OR ($descending AND (v < $after.value OR (v = $after.value AND e.seq < $after.seq)))
       OR (NOT $descending AND (v > $after.value OR (v = $after.value AND e.seq > $after.seq))))
RETURN e.json AS json, e.eventID AS eventID, e.recordTime AS recordTime, e.seq AS seq, v AS value
ORDER BY CASE WHEN $descending THEN -v ELSE v END, CASE WHEN $descending THEN -e.seq ELSE e.seq END
LIMIT $limit
