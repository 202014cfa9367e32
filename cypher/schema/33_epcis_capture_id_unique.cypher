CREATE CONSTRAINT epcis_capture_id_unique IF NOT EXISTS FOR (n:EpcisCapture) REQUIRE n.captureID IS UNIQUE
