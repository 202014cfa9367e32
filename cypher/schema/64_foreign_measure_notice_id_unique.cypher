CREATE CONSTRAINT foreign_measure_notice_id IF NOT EXISTS FOR (n:ForeignMeasureNotice) REQUIRE n.id IS UNIQUE
