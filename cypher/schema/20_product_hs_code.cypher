CREATE INDEX product_hs_code IF NOT EXISTS FOR (n:Product) ON (n.hsCode)
