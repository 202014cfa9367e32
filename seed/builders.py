"""Record builders (shared contract RECORDS.md), used by the demo scenario and by the tests.

One function per record type. Each takes the record's required fields, with defaults that make a valid record from
an id alone (so a test states only what it is about); any other field is passed through under its RECORDS.md name
(`enterprise("X", creditGrade="CERTIFIED")`) and overrides a default in place, so the record's keys keep the order
of the builder's dict. The builders return plain dicts and do not validate: the tests also build wrong records on
purpose. `RecordSet` collects the records of a data set; `uscc` and `gtin13` make valid codes.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from stdnum.cn import uscc as uscc_code

Record = dict[str, Any]


# --- records --------------------------------------------------------------------------------------------------------


def enterprise(id: str, name: str | None = None, **fields: Any) -> Record:
    return {"type": "enterprise", "id": id, "name": f"Enterprise {id}" if name is None else name, **fields}


def person(id: str, name: str | None = None) -> Record:
    return {"type": "person", "id": id, "name": f"Person {id}" if name is None else name}


def link(kind: str, from_: str, to: str, share: float | None = None) -> Record:
    record: Record = {"type": "link", "kind": kind, "from": from_, "to": to}
    return record if share is None else {**record, "share": share}


def product(id: str = "P1", name: str | None = None, **fields: Any) -> Record:
    return {
        "type": "product",
        "id": id,
        "name": f"Product {id}" if name is None else name,
        "hsCode": "1901101000",
        "category": "FOOD",
        **fields,
    }


def batch(
    id: str,
    inputs: Iterable[tuple[str, float]] | None = None,
    product: str = "P1",
    producer: str = "M",
    **fields: Any,
) -> Record:
    """A lot of 1000 KGM made on 2026-03-01; `inputs` as (batch id, quantity) pairs."""
    record: Record = {
        "type": "batch",
        "id": id,
        "product": product,
        "producer": producer,
        "quantity": 1000,
        "unit": "KGM",
        "producedAt": "2026-03-01",
        **fields,
    }
    if inputs := list(inputs or ()):
        record["inputs"] = [{"batch": b, "quantity": q} for b, q in inputs]
    return record


def shipment(
    id: str,
    batch: str,
    to: str,
    quantity: float = 10,
    from_: str = "M",
    shipped_at: str = "2026-03-05",
    **fields: Any,
) -> Record:
    return {
        "type": "shipment",
        "id": id,
        "batch": batch,
        "from": from_,
        "to": to,
        "quantity": quantity,
        "shippedAt": shipped_at,
        **fields,
    }


def lab(id: str = "L1", name: str | None = None, **fields: Any) -> Record:
    """Recognised unless `recognized=False`: most tests are about a lab whose reports count."""
    record: Record = {"type": "lab", "id": id, "name": f"Lab {id}" if name is None else name, **fields}
    record.setdefault("recognized", True)
    return record


def agency(id: str = "A1", name: str | None = None, kind: str = "CUSTOMS", **fields: Any) -> Record:
    return {"type": "agency", "id": id, "name": f"Agency {id}" if name is None else name, "kind": kind, **fields}


# Not `test_report`: pytest would collect a function of that name imported into a test module.
def lab_report(
    id: str,
    batch: str = "B1",
    result: str = "PASS",
    lab: str = "L1",
    tested_at: str = "2026-03-04",
    **fields: Any,
) -> Record:
    """A test_report record."""
    return {
        "type": "test_report",
        "id": id,
        "lab": lab,
        "batch": batch,
        "result": result,
        "testedAt": tested_at,
        **fields,
    }


def blacklist(id: str, enterprise: str, serious: bool | None = None, **fields: Any) -> Record:
    """Listed on 2026-03-01 for fraud; `serious` left out unless given."""
    record: Record = {
        "type": "blacklist",
        "id": id,
        "enterprise": enterprise,
        "reason": "fraud",
        "listedAt": "2026-03-01",
        **fields,
    }
    return record if serious is None else {**record, "serious": serious}


def risk_signal(
    id: str,
    subject: dict[str, str],
    severity: int = 3,
    probability: float = 0.2,
    source: str = "CONSUMER_COMPLAINT",
    hazard: str = "BIOLOGICAL",
    received_at: str = "2026-03-09",
    **fields: Any,
) -> Record:
    return {
        "type": "risk_signal",
        "id": id,
        "source": source,
        "hazard": hazard,
        "severity": severity,
        "probability": probability,
        "receivedAt": received_at,
        "subject": subject,
        **fields,
    }


# --- a data set -----------------------------------------------------------------------------------------------------


class RecordSet:
    """The records of one data set, in the order added. A field given as None is left out (absent, as a supplier
    would send it), so a data table can hold None where a record has no such field."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self._by_id: dict[tuple[str, str], Record] = {}
        self._serials: Counter[str] = Counter()

    def add(self, record: Record) -> str:
        """Add a record; its id ('' for a link)."""
        record = {k: v for k, v in record.items() if v is not None}
        self.records.append(record)
        if "id" in record:
            self._by_id[(record["type"], record["id"])] = record
        return str(record.get("id", ""))

    def get(self, record_type: str, id: str) -> Record:
        """A record added before, by type and id."""
        return self._by_id[(record_type, id)]

    def serial(self, key: str) -> int:
        """1, 2, 3, ... for successive calls with the same key: numbers ids within a day, a lab, ..."""
        self._serials[key] += 1
        return self._serials[key]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def ndjson(self) -> str:
        """The records as NDJSON text: one compact line each, UTF-8 text kept as is (not \\u-escaped)."""
        return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in self.records)


# --- codes ----------------------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z


def _organisation_check(body8: str) -> str:
    """Check character of a GB 11714 organisation code (characters 9..17 of a USCC)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc(rng: random.Random, division: str) -> str:
    """A unified social credit code as SAMR issues one to an enterprise: '91', the 6-digit administrative division,
    an 'MA' organisation code with its own check character, and the code's check character (GB 32100-2015)."""
    body8 = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    first17 = "91" + division + body8 + _organisation_check(body8)
    return first17 + uscc_code.calc_check_digit(first17)


def gtin13(first12: str) -> str:
    """A GTIN-13 (EAN-13) product code: the 12 digits given and their check digit."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


# --- monitoring (issue 17): a plan and the reports that serve it ----------------------------------------------------


def monitoring_plan(
    id: str,
    targets: list[Record],
    stages: Iterable[str] = ("PORT", "MARKET"),
    agencies: Iterable[str] = ("A1",),
    period: tuple[str, str] = ("2026-01-01", "2026-06-30"),
    **fields: Any,
) -> Record:
    """A monitoring_plan record (docs/MONITORING.md) for the first half of 2026 by agency A1."""
    return {
        "type": "monitoring_plan",
        "id": id,
        "name": f"Plan {id}",
        "periodStart": period[0],
        "periodEnd": period[1],
        "stages": list(stages),
        "agencies": list(agencies),
        "targets": targets,
        **fields,
    }


def plan_target(id: str, quotas: dict[str, int], hazards: Iterable[str] = ("CHEMICAL",), **criteria: Any) -> Record:
    """A plan's target: criteria as countries=[...], hsPrefixes=[...], categories=[...]; quotas by stage."""
    return {
        "id": id,
        **criteria,
        "hazards": list(hazards),
        "quotas": [{"stage": s, "samples": n} for s, n in quotas.items()],
    }
