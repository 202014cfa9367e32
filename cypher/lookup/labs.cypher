// Labs by id, with their status history (parallel lists: status i held from statusSinceMs[i]).
UNWIND $ids AS id
MATCH (l:Lab {id: id})
RETURN l {.id, .name, .accreditation, .recognized, .status, .statusHistory, .statusSinceMs} AS lab
