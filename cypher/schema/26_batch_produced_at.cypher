CREATE INDEX batch_produced_at IF NOT EXISTS FOR (n:Batch) ON (n.producedAtMs)
