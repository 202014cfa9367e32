// Which of the monitoring plans the import's test reports name already exist in the graph (a statement of its own
// beside ingest/existing_ids, whose callers outside the import know nothing of plans).
UNWIND $plans AS id
MATCH (n:MonitoringPlan {id: id})
RETURN collect(n.id) AS plans
