"""What the read side returns for the core nodes: read models (graph/read_model.py) of the maps the lookup, nav
and trace statements project.

References to other nodes are ids (product_id, producer_id, from_id, to_id, lab_id): the API resolves them in one
batched query per request (DataLoaders), so a list of N batches never costs N queries.
"""

from typing import Any

from graph.read_model import ROW, column, read_model
from graph.records import CreditGrade


@read_model
class BatchNode:
    id: str
    quantity: float
    unit: str
    produced_at: str
    origin_country: str | None
    product_id: str
    producer_id: str


@read_model
class EnterpriseNode:
    id: str
    name: str
    roles: list[str]
    country: str | None
    credit_grade: CreditGrade = CreditGrade.REGULAR
    blacklisted: bool = False  # a listing is in force now
    region: str | None
    uscc: str | None
    standing_grade: CreditGrade = CreditGrade.REGULAR  # the grade beneath any listing
    declared_grade: CreditGrade = CreditGrade.REGULAR  # the grade the enterprise's record declares


@read_model
class ProductNode:
    id: str
    name: str
    hs_code: str
    category: str
    brand: str | None = None


@read_model
class ShipmentNode:
    id: str
    quantity: float
    shipped_at: str
    direction: str = "DOMESTIC"
    port: str | None
    declaration: str | None
    batch_id: str
    from_id: str
    to_id: str


def _history(m: Any) -> tuple[tuple[str, int], ...]:
    return tuple(zip(m.get("statusHistory") or [], m.get("statusSinceMs") or [], strict=False))


@read_model
class LabNode:
    id: str
    name: str
    accreditation: str | None
    recognized: bool = False
    status: str = "ACTIVE"
    history: tuple[tuple[str, int], ...] = column(ROW, read=_history)  # (status, since epoch ms), oldest first

    def status_at(self, ms: int) -> str | None:
        """The status the lab had at `ms`, or None before its history starts."""
        current = None
        for status, since in self.history:
            if since <= ms:
                current = status
        return current


def _text(value: Any) -> str:
    return str(value)  # a measured value or limit may arrive as a JSON number


@read_model
class TestItemValue:
    name: str
    value: str | None = column(read=_text)
    limit: str | None = column(read=_text)
    unit: str | None
    passed: bool | None = column("pass")


@read_model
class TestReportNode:
    id: str
    result: str
    tested_at: str
    items: tuple[TestItemValue, ...]  # JSON text on the node
    lab_id: str
    batch_id: str


@read_model
class TracedBatch:
    batch: BatchNode
    depth: int


@read_model
class Use:
    """An INPUT_TO edge seen from one end: the lot at the other end and the quantity of the input used."""

    batch_id: str
    quantity: float | None


@read_model
class PersonRole:
    person_id: str
    name: str
    role: str  # LEGAL_REPRESENTATIVE_OF, OFFICER_OF or SHAREHOLDER_OF
    share: float | None


@read_model
class Owner:
    holder_id: str
    name: str
    kind: str  # PERSON or ENTERPRISE
    share: float


@read_model
class Stake:
    enterprise_id: str
    share: float


@read_model
class Tie:
    """The strongest tie between an enterprise and another (contagion)."""

    kind: str
    weight: float
    via: str | None  # the shared person, for SHARED_PERSON
    other_id: str
