// The enterprises each enterprise holds shares of, largest share first.
UNWIND $ids AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  MATCH (e)-[r:SHAREHOLDER_OF]->(o:Enterprise)
  RETURN o.id AS enterpriseId, r.share AS share ORDER BY share DESC, enterpriseId LIMIT $limit
}
RETURN id AS parent, enterpriseId, share
