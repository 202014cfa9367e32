// Issue a warning on its signals. Targets are lists of ids, HS-code prefixes and countries; events and measure
// statuses are JSON (graph/risk/warnings.py owns their shape).
MERGE (w:RiskWarning {id: $warning.id})
  ON CREATE SET w += $warning
WITH w
UNWIND $signalIds AS signalId
MATCH (s:RiskSignal {id: signalId})
MERGE (w)-[:BASED_ON]->(s)
RETURN w {.*} AS warning
