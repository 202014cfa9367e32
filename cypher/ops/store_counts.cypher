// Operations (ops/store_size.py): how many nodes, relationships and properties the graph holds, to turn the
// store files' measured size into bytes per node and relationship (docs/scale-out.md). Whole-graph counts: the
// measurement runs on an instance of its own, never on a serving database.
CALL () { MATCH (n) RETURN count(n) AS nodes, sum(size(keys(n))) AS nodeProperties }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships, sum(size(keys(r))) AS relationshipProperties }
RETURN nodes, relationships, nodeProperties, relationshipProperties
