CREATE CONSTRAINT foreign_measure_id IF NOT EXISTS FOR (n:ForeignMeasure) REQUIRE n.id IS UNIQUE
