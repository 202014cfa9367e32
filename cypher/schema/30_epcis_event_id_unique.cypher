CREATE CONSTRAINT epcis_event_id_unique IF NOT EXISTS FOR (n:EpcisEvent) REQUIRE n.eventID IS UNIQUE
