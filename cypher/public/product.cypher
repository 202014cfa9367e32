// The product stored under one of $ids (the forms of one GTIN: GTIN-14, -13, -12, -8), the longest form first.
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN p.id AS product
ORDER BY size(p.id) DESC
LIMIT 1
