// Which of the referenced ids already exist in the graph (references may point outside the import).
CALL () { UNWIND $enterprises AS id MATCH (n:Enterprise {id: id}) RETURN collect(n.id) AS enterprises }
CALL () { UNWIND $persons AS id MATCH (n:Person {id: id}) RETURN collect(n.id) AS persons }
CALL () { UNWIND $products AS id MATCH (n:Product {id: id}) RETURN collect(n.id) AS products }
CALL () { UNWIND $batches AS id MATCH (n:Batch {id: id}) RETURN collect(n.id) AS batches }
CALL () { UNWIND $labs AS id MATCH (n:Lab {id: id}) RETURN collect(n.id) AS labs }
CALL () { UNWIND $agencies AS id MATCH (n:Agency {id: id}) RETURN collect(n.id) AS agencies }
RETURN enterprises, persons, products, batches, labs, agencies
