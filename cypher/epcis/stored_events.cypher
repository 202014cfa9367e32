// Which of these eventIDs are stored already, and whether with an errorDeclaration: a capture stores only the new
// ones, and a new copy that declares an error the stored one lacks updates it (contract/EPCIS.md section 4).
UNWIND $ids AS id
MATCH (e:EpcisEvent {eventID: id})
RETURN e.eventID AS eventID, e.hasError AS hasError, e.json AS json
