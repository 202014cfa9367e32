CREATE CONSTRAINT sequence_name_unique IF NOT EXISTS FOR (n:Sequence) REQUIRE n.name IS UNIQUE
