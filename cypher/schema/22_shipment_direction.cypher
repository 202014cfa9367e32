CREATE INDEX shipment_direction IF NOT EXISTS FOR (n:Shipment) ON (n.direction)
