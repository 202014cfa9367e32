CREATE CONSTRAINT recall_line_key_unique IF NOT EXISTS FOR (n:RecallLine) REQUIRE n.key IS UNIQUE
