// A stored event gains the errorDeclaration a new copy of it carries (its json as rewritten by the capture): from
// now on it contributes nothing to the graph (graph/epcis/derive.py), and stays queryable.
UNWIND $rows AS row
MATCH (e:EpcisEvent {eventID: row.eventID})
WHERE NOT e.hasError
SET e.hasError = true, e.json = row.json
RETURN count(e) AS declared
