// One lot with what the sampling score needs (the columns of monitoring/sampling_candidates): for a spot check's
// proposal, whatever the lot's target. At most one row.
MATCH (p:Product)<-[:OF_PRODUCT]-(b:Batch {id: $batchId})<-[:PRODUCED]-(e:Enterprise)
RETURN b.id AS batch, p.id AS product, e.id AS producer, p.hsCode AS hsCode, p.category AS category,
       coalesce(b.originCountry, e.country) AS originCountry, b.originCountry AS batchOrigin,
       coalesce(e.creditGrade, e.declaredGrade, 'REGULAR') AS grade, null AS shipment
LIMIT 1
