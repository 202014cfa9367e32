// Enterprises whose ties imports have changed and that are not yet refreshed (TiesToRefresh work items).
MATCH (w:TiesToRefresh)
RETURN elementId(w) AS item, w.enterprises AS enterprises
