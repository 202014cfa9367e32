"""The way out: lots and shipments that arrived as RECORDS.md records, written as EPCIS 2.0 events, so data
imported as NDJSON can be handed to an EPCIS partner. A lot with inputs is a TransformationEvent (inputs in,
the lot out), one without an ObjectEvent ADD (commissioning); a shipment is an ObjectEvent OBSERVE (shipping)
with owning parties. Record ids that are not URIs become `urn:tracegraph:...` URIs (percent-encoded)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from graph.db import Graph
from graph.records import parse_instant

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def _uri(kind: str, record_id: str) -> str:
    if record_id.startswith(("urn:", "http://", "https://")):
        return record_id
    return f"urn:tracegraph:{kind}:{quote(record_id, safe='')}"


def _time(text: str) -> tuple[str, str]:
    """An RFC 3339 eventTime and its eventTimeZoneOffset from a record's ISO 8601 date or date-time."""
    moment = parse_instant(text)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return moment.isoformat(), zone


def _quantity(batch: str, quantity: float | None, unit: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": _uri("lot", batch)}
    if quantity is not None:
        element["quantity"] = quantity
        if unit and unit != "EA":
            element["uom"] = unit
    return element


def batch_event(row: Any) -> dict[str, Any]:
    when, zone = _time(row["producedAt"])
    event: dict[str, Any] = {
        "eventID": _uri("event:batch", row["id"]),
        "eventTime": when,
        "eventTimeZoneOffset": zone,
        "bizStep": "commissioning",
        "disposition": "active",
    }
    produced = _quantity(row["id"], row["quantity"], row["unit"])
    if row["inputs"]:
        event = {
            "type": "TransformationEvent",
            **event,
            "inputQuantityList": [_quantity(i["batch"], i["quantity"], i["unit"]) for i in row["inputs"]],
            "outputQuantityList": [produced],
        }
    else:
        event = {"type": "ObjectEvent", **event, "action": "ADD", "epcList": [], "quantityList": [produced]}
    if row["producer"]:
        event["destinationList"] = [{"type": "owning_party", "destination": _uri("party", row["producer"])}]
    return event


def shipment_event(row: Any) -> dict[str, Any]:
    when, zone = _time(row["shippedAt"])
    return {
        "type": "ObjectEvent",
        "eventID": _uri("event:shipment", row["id"]),
        "eventTime": when,
        "eventTimeZoneOffset": zone,
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": [],
        "quantityList": [_quantity(row["batch"], row["quantity"], row["unit"])],
        "sourceList": [{"type": "owning_party", "source": _uri("party", row["sender"])}],
        "destinationList": [{"type": "owning_party", "destination": _uri("party", row["consignee"])}],
    }


async def record_document(graph: Graph, limit: int) -> dict[str, Any]:
    batches = await graph.read("epcis/record_batches", limit=limit)
    shipments = await graph.read("epcis/record_shipments", limit=limit)
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "epcisBody": {"eventList": [*map(batch_event, batches), *map(shipment_event, shipments)]},
    }
