// Ties that imports have changed and that are not yet refreshed (TiesToRefresh work items): enterprises whose
// ties may all have changed (links), and pairs of enterprises whose trade tie may have (shipments).
MATCH (w:TiesToRefresh)
RETURN elementId(w) AS item, coalesce(w.enterprises, []) AS enterprises, coalesce(w.pairFrom, []) AS pairFrom,
       coalesce(w.pairTo, []) AS pairTo
