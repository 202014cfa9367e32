CREATE CONSTRAINT credit_event_seq_unique IF NOT EXISTS FOR (n:CreditEvent) REQUIRE n.seq IS UNIQUE
