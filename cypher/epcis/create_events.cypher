// Store new events: the event as captured (json) and the fields queries select by, with a storage sequence number
// (the stable order and the paging position) from one counter, and a NAMES edge to each identity key that ties
// events about the same things together (graph/epcis/derive.py). MERGE: an event stored meanwhile by another
// capture is not stored twice.
MERGE (s:Sequence {name: 'epcisEvent'})
ON CREATE SET s.value = 0
SET s.value = s.value + size($rows)
WITH s.value - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
WITH base, i, $rows[i] AS row
MERGE (e:EpcisEvent {eventID: row.eventID})
ON CREATE SET e += row.props, e.seq = base + i + 1, e.recordTime = $recordTime, e.captureID = $captureID,
  e.capturedBy = $capturedBy, e._fresh = true
WITH e, row
WHERE e._fresh
REMOVE e._fresh
WITH e, row
CALL (e, row) {
  UNWIND row.keys AS key
  MERGE (k:EpcisKey {key: key})
  CREATE (e)-[:NAMES]->(k)
}
RETURN count(e) AS created
