// The stored events that name any of these identity keys (graph/epcis/lots.py: the events of a lot), with or
// without errorDeclaration, through the NAMES edges of the keys. Bounded.
UNWIND $keys AS key
MATCH (:EpcisKey {key: key})<-[:NAMES]-(e:EpcisEvent)
WITH DISTINCT e
ORDER BY e.eventTime, e.eventID
LIMIT $limit
RETURN e.eventID AS eventID, e.json AS json, e.recordTime AS recordTime, e.eventTime AS eventTime,
       e.statedLots AS statedLots
