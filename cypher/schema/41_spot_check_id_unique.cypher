CREATE CONSTRAINT spot_check_id_unique IF NOT EXISTS FOR (n:SpotCheck) REQUIRE n.id IS UNIQUE
