"""GS1 EPCIS 2.0 (contract/EPCIS.md): identifiers, capture validation, storage, the event hash, the records derived
from events, and the standard queries. The REST binding is api/epcis/; the statements are cypher/epcis/."""
