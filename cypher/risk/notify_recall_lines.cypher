// Mark a consignee's lines of a recall notified.
MATCH (l:RecallLine)-[:OF_RECALL]->(:Recall {id: $recallId})
WHERE l.enterprise = $enterpriseId
SET l.notified = true, l.notifiedAtMs = coalesce(l.notifiedAtMs, $now)
RETURN count(l) AS notified
