"""Hand-built EPCIS 2.0 documents for tests, with known answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# shared/ lies beside the checkout (or beside the directory of worktrees)
SHARED = next(p / "shared" / "epcis" for p in Path(__file__).resolve().parents if (p / "shared" / "epcis").is_dir())
GS1_EXAMPLES = SHARED / "gs1-examples"
OPENEPCIS = SHARED / "openepcis-test-resources" / "2.0" / "EPCIS" / "JSON" / "Capture"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T08:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def lgtin(gtin_item: str, lot: str, cp: str = "0614141") -> str:
    return f"urn:epc:class:lgtin:{cp}.{gtin_item}.{lot}"


def event(kind: str = "ObjectEvent", time: str = "2026-03-01T08:00:00+08:00", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"type": kind, "eventTime": time, "eventTimeZoneOffset": "+08:00"}
    if kind in ("ObjectEvent", "AggregationEvent", "TransactionEvent", "AssociationEvent"):
        base["action"] = "OBSERVE"
    if kind == "ObjectEvent":
        base["epcList"] = []
    if kind == "TransactionEvent":
        base["bizTransactionList"] = [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1152"}]
    return {**base, **fields}


def quantity(epc_class: str, amount: float | None = None, uom: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": epc_class}
    if amount is not None:
        element["quantity"] = amount
    if uom is not None:
        element["uom"] = uom
    return element


def parties(source: str, destination: str) -> dict[str, Any]:
    return {
        "sourceList": [{"type": "owning_party", "source": source}],
        "destinationList": [{"type": "owning_party", "destination": destination}],
    }


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
