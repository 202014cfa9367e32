UNWIND $ids AS id
MATCH (l:Lab {id: id})
RETURN l {.id, .name, .accreditation, .recognized, .status} AS lab
