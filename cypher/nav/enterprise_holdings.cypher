// The enterprises each enterprise holds shares of, largest share first.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[r:SHAREHOLDER_OF]->(o:Enterprise)
  RETURN o.id AS enterprise, r.share AS share ORDER BY share DESC, enterprise LIMIT $limit
}
RETURN id AS parent, enterprise, share
