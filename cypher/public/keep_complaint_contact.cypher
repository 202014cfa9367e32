// Keep a complainant's contact on the CONSUMER_COMPLAINT signal just filed: on the node only, for the regulator
// who follows it up; no public route answers it.
MATCH (s:RiskSignal {id: $id})
SET s.complainantContact = $contact
RETURN count(s) AS kept
