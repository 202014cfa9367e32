// Recompute the TIED_TO of each given pair of enterprises ($pairFrom[i], $pairTo[i]): the parties of shipments an
// import wrote, before and after. A shipment can only change the tie of its own pair, so this gives the pair exactly
// what refresh_ties would give it (the same kinds, weights and order), without reading every shipment, person
// and share of both enterprises: the TRADE check stops at the first shipment between them. The rules are
// refresh_ties.cypher's: change both together (tests/graph/test_contagion.py checks that they agree).
UNWIND range(0, size($pairFrom) - 1) AS i
MATCH (a:Enterprise {id: $pairFrom[i]})
MATCH (b:Enterprise {id: $pairTo[i]})
WITH a, b
WHERE a <> b
WITH DISTINCT CASE WHEN a.id < b.id THEN a ELSE b END AS lo, CASE WHEN a.id < b.id THEN b ELSE a END AS hi
CALL (lo, hi) {
  CALL (lo, hi) {
    MATCH (lo)-[r:SHAREHOLDER_OF]-(hi)
    RETURN CASE WHEN r.share >= 0.5 THEN 'CONTROL' WHEN r.share >= 0.2 THEN 'SHAREHOLDING' ELSE 'MINOR_SHARE' END AS kind,
           null AS via
    UNION ALL
    MATCH (lo)<-[r1:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]-(p:Person)
          -[r2:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF]->(hi)
    WHERE coalesce(r1.share, 1.0) >= 0.5 AND coalesce(r2.share, 1.0) >= 0.5
    RETURN 'SHARED_PERSON' AS kind, p.id AS via
    UNION ALL
    WITH lo, hi
    WHERE EXISTS { (lo)<-[:FROM|TO]-(:Shipment)-[:FROM|TO]->(hi) }
    RETURN 'TRADE' AS kind, null AS via
  }
  WITH kind, via, $weights[kind] AS weight
  ORDER BY weight DESC, via
  RETURN head(collect({kind: kind, weight: weight, via: via})) AS best
}
OPTIONAL MATCH (lo)-[old:TIED_TO]-(hi)
WITH lo, hi, best, collect(old) AS olds
FOREACH (t IN CASE WHEN best IS NULL THEN olds ELSE [] END | DELETE t)
FOREACH (_ IN CASE WHEN best IS NULL THEN [] ELSE [1] END |
  MERGE (lo)-[t:TIED_TO]->(hi)
  SET t.kind = best.kind, t.weight = best.weight, t.via = best.via
)
WITH count(*) AS refreshed
MERGE (v:TieVersion {id: 'ties'})
SET v._version = randomUUID()
RETURN refreshed
