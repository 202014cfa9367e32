// The stored events that name any of these identity keys, with all the keys each names and whether it was declared
// an error:
// graph/epcis/derive.py grows the set of events about the same things from the keys of a capture until it is
// closed, so the records derived from it do not depend on the order in which events were captured. Bounded.
UNWIND $keys AS key
MATCH (:EpcisKey {key: key})<-[:NAMES]-(e:EpcisEvent)
WITH DISTINCT e
LIMIT $limit
MATCH (e)-[:NAMES]->(k:EpcisKey)
RETURN e.eventID AS eventID, e.json AS json, e.statedLots AS statedLots, e.hasError AS hasError,
       collect(k.key) AS keys
