UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN p {.id, .name, .hsCode, .category, .brand} AS product
