// Publish a plan's aggregate results (GET /public/plans/{id}): a node of its own, so that a re-import of the plan
// record (which replaces the plan's properties) keeps the publication. Publishing again keeps the first.
MATCH (p:MonitoringPlan {id: $planId})
MERGE (pub:PlanPublication {planId: $planId})
  ON CREATE SET pub.publishedAtMs = $now, pub.publishedBy = $by
MERGE (pub)-[:PUBLISHES]->(p)
RETURN pub.publishedAtMs AS publishedAtMs, pub.publishedBy AS publishedBy
