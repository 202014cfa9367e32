CREATE INDEX shipment_declaration IF NOT EXISTS FOR (n:Shipment) ON (n.declaration)
