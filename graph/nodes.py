"""What the read side returns: plain, typed values built from the maps the Cypher statements return.

References to other nodes are ids (product, producer, from, to, lab): the API resolves them in one
batched query per request (DataLoaders), so a list of N batches never costs N queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BatchNode:
    id: str
    product: str
    producer: str
    quantity: float
    unit: str
    producedAt: str
    originCountry: str | None = None

    @classmethod
    def of(cls, m: dict[str, Any]) -> BatchNode:
        return cls(
            id=m["id"],
            product=m["product"],
            producer=m["producer"],
            quantity=m["quantity"],
            unit=m["unit"],
            producedAt=m["producedAt"],
            originCountry=m.get("originCountry"),
        )


@dataclass(frozen=True)
class EnterpriseNode:
    id: str
    name: str
    roles: list[str]
    country: str | None
    region: str | None
    uscc: str | None
    creditGrade: str
    blacklisted: bool
    standingGrade: str = "REGULAR"
    declaredGrade: str = "REGULAR"

    @classmethod
    def of(cls, m: dict[str, Any]) -> EnterpriseNode:
        return cls(
            id=m["id"],
            name=m["name"],
            roles=list(m.get("roles") or []),
            country=m.get("country"),
            region=m.get("region"),
            uscc=m.get("uscc"),
            creditGrade=m.get("creditGrade") or "REGULAR",
            blacklisted=bool(m.get("blacklisted")),
            standingGrade=m.get("standingGrade") or m.get("creditGrade") or "REGULAR",
            declaredGrade=m.get("declaredGrade") or "REGULAR",
        )


@dataclass(frozen=True)
class ProductNode:
    id: str
    name: str
    hsCode: str
    category: str
    brand: str | None = None

    @classmethod
    def of(cls, m: dict[str, Any]) -> ProductNode:
        return cls(id=m["id"], name=m["name"], hsCode=m["hsCode"], category=m["category"], brand=m.get("brand"))


@dataclass(frozen=True)
class ShipmentNode:
    id: str
    batch: str
    from_: str
    to: str
    quantity: float
    shippedAt: str
    direction: str
    port: str | None
    declaration: str | None

    @classmethod
    def of(cls, m: dict[str, Any]) -> ShipmentNode:
        return cls(
            id=m["id"],
            batch=m["batch"],
            from_=m["from"],
            to=m["to"],
            quantity=m["quantity"],
            shippedAt=m["shippedAt"],
            direction=m.get("direction") or "DOMESTIC",
            port=m.get("port"),
            declaration=m.get("declaration"),
        )


@dataclass(frozen=True)
class LabNode:
    id: str
    name: str
    accreditation: str | None
    recognized: bool
    status: str
    history: tuple[tuple[str, int], ...] = ()  # (status, since epoch ms), oldest first

    @classmethod
    def of(cls, m: dict[str, Any]) -> LabNode:
        history = tuple(zip(m.get("statusHistory") or [], m.get("statusSinceMs") or [], strict=False))
        return cls(
            id=m["id"],
            name=m["name"],
            accreditation=m.get("accreditation"),
            recognized=bool(m.get("recognized")),
            status=m.get("status") or "ACTIVE",
            history=history,
        )

    def status_at(self, ms: int) -> str | None:
        """The status the lab had at `ms`, or None before its history starts."""
        current = None
        for status, since in self.history:
            if since <= ms:
                current = status
        return current


@dataclass(frozen=True)
class TestItemValue:
    name: str
    value: str | None
    limit: str | None
    unit: str | None
    passed: bool | None


@dataclass(frozen=True)
class TestReportNode:
    id: str
    lab: str
    batch: str
    result: str
    testedAt: str
    items: list[TestItemValue]

    @classmethod
    def of(cls, m: dict[str, Any]) -> TestReportNode:
        def text(v: Any) -> str | None:
            return None if v is None else str(v)

        items = [
            TestItemValue(i["name"], text(i.get("value")), text(i.get("limit")), i.get("unit"), i.get("pass"))
            for i in json.loads(m.get("items") or "[]")
        ]
        return cls(id=m["id"], lab=m["lab"], batch=m["batch"], result=m["result"], testedAt=m["testedAt"], items=items)


@dataclass(frozen=True)
class TracedBatch:
    batch: BatchNode
    depth: int
