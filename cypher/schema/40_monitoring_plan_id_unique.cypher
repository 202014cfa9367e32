CREATE CONSTRAINT monitoring_plan_id_unique IF NOT EXISTS FOR (n:MonitoringPlan) REQUIRE n.id IS UNIQUE
