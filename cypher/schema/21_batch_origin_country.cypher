CREATE INDEX batch_origin_country IF NOT EXISTS FOR (n:Batch) ON (n.originCountry)
