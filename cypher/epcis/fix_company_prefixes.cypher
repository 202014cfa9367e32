// Fix the company prefix length of GS1 numbers not fixed yet (ON CREATE only: the first fixed wins, for ever).
UNWIND $rows AS row
MERGE (p:Gs1CompanyPrefix {number: row.number})
ON CREATE SET p.length = row.length
RETURN count(p) AS fixed
