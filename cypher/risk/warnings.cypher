// Warnings by id.
UNWIND $ids AS id
MATCH (w:RiskWarning {id: id})
RETURN w {.*} AS warning
