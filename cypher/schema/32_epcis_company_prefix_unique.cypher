CREATE CONSTRAINT epcis_company_prefix_unique IF NOT EXISTS FOR (n:Gs1CompanyPrefix) REQUIRE n.number IS UNIQUE
