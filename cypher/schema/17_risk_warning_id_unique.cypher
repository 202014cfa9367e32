CREATE CONSTRAINT risk_warning_id_unique IF NOT EXISTS FOR (n:RiskWarning) REQUIRE n.id IS UNIQUE
