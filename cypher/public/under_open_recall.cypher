// Whether an open recall's scope holds batch $batch: its affectedBatchIds, the scope snapshotted when it opened
// (the sources and every lot made from them). Recalls stored before they could be closed have no status: open.
RETURN EXISTS {
  MATCH (r:Recall)
  WHERE coalesce(r.status, 'OPEN') = $open AND $batch IN r.affectedBatchIds
} AS underRecall
