// Work items whose enterprises and pairs have all been refreshed.
UNWIND $items AS item
MATCH (w:TiesToRefresh)
WHERE elementId(w) = item
DELETE w
RETURN count(*) AS finished
