// Recompute the association (:Enterprise)-[:TIED_TO]->(:Enterprise) of the given enterprises with every other
// enterprise (contract/core.graphql, contagion):
//   CONTROL / SHAREHOLDING / MINOR_SHARE  one enterprise holds a share of the other (>= 0.5, >= 0.2, less)
//   SHARED_PERSON  a person is legal representative, officer or a >= 0.5 shareholder in both
//   TRADE          a shipment went between them, either way
// One TIED_TO per pair, from the lower id to the higher, holding the pair's best tie: kind, weight ($weights,
// from graph/contagion.py) and via (the person, for SHARED_PERSON; the lowest id when several).
// Ties that no longer hold are removed, so refreshing is idempotent and order-independent.
// refresh_pairs.cypher states the same rules for one pair at a time (a shipment's): change both together;
// tests/graph/test_contagion.py checks that they agree.
// Every refresh gives the tie graph a new version (a random UUID on the one TieVersion node, in this transaction):
// graph/contagion.py caches the whole tie graph per process under the version it read, so any change of ties
// makes every process read them again. A UUID rather than a counter: a wiped and reloaded database never
// repeats a version a process has cached.
UNWIND $enterpriseIds AS id
MATCH (e:Enterprise {id: id})
CALL (e) {
  CALL (e) {
    MATCH (e)-[r:SHAREHOLDER_OF]-(o:Enterprise)
    WHERE o <> e
    RETURN o, CASE WHEN r.share >= 0.5 THEN 'CONTROL' WHEN r.share >= 0.2 THEN 'SHAREHOLDING' ELSE 'MINOR_SHARE' END AS kind,
           null AS via
    UNION ALL
    MATCH (e)<-[r1:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]-(p:Person)
          -[r2:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(o:Enterprise)
    WHERE o <> e AND coalesce(r1.share, 1.0) >= 0.5 AND coalesce(r2.share, 1.0) >= 0.5
    RETURN o, 'SHARED_PERSON' AS kind, p.id AS via
    UNION ALL
    MATCH (e)<-[:FROM|TO]-(:Shipment)-[:FROM|TO]->(o:Enterprise)
    WHERE o <> e
    RETURN DISTINCT o, 'TRADE' AS kind, null AS via
  }
  WITH o, kind, via, $weights[kind] AS weight
  ORDER BY weight DESC, via
  WITH o, head(collect({kind: kind, weight: weight, via: via})) AS best
  WITH o, best, CASE WHEN e.id < o.id THEN [e, o] ELSE [o, e] END AS pair
  WITH o, best, pair[0] AS lo, pair[1] AS hi
  MERGE (lo)-[t:TIED_TO]->(hi)
  SET t.kind = best.kind, t.weight = best.weight, t.via = best.via
  RETURN collect(o) AS tied
}
CALL (e, tied) {
  MATCH (e)-[t:TIED_TO]-(o)
  WHERE NOT o IN tied
  DELETE t
}
WITH count(e) AS refreshed
MERGE (v:TieVersion {id: 'ties'})
SET v._version = randomUUID()
RETURN refreshed
