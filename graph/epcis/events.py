"""One captured EPCIS event, read: its identifiers by the role they play (the MATCH_ parameters' lists), the lots
its own data states, and the row it is stored as (graph/epcis/storage.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.epcis import identifiers as ids
from graph.epcis.vocabulary import bare

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
MDA = "urn:epcglobal:cbv:mda:"


def document_events(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The events of an EPCISDocument, or of an EPCISQueryDocument's results."""
    body = document.get("epcisBody") or {}
    if "eventList" in body:
        return list(body["eventList"])
    if "event" in body:
        return [body["event"]]
    results = (body.get("queryResults") or {}).get("resultsBody") or {}
    return list(results.get("eventList") or [])


def instant_ms(text: str) -> int:
    """Epoch milliseconds of an RFC 3339 instant (any offset; `Z` too)."""
    moment = datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _classes(items: Any) -> list[str]:
    return [q["epcClass"] for q in items or () if isinstance(q, dict) and isinstance(q.get("epcClass"), str)]


def _strings(items: Any) -> list[str]:
    return [x for x in items or () if isinstance(x, str)]


@dataclass(frozen=True)
class Roles:
    """An event's identifiers by role, as written."""

    epc: list[str]  # epcList, childEPCs
    parent: list[str]
    input_epc: list[str]
    output_epc: list[str]
    epc_class: list[str]  # quantityList, childQuantityList
    input_class: list[str]
    output_class: list[str]

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> Roles:
        parent = event.get("parentID")
        return cls(
            epc=_strings(event.get("epcList")) + _strings(event.get("childEPCs")),
            parent=[parent] if isinstance(parent, str) else [],
            input_epc=_strings(event.get("inputEPCList")),
            output_epc=_strings(event.get("outputEPCList")),
            epc_class=_classes(event.get("quantityList")) + _classes(event.get("childQuantityList")),
            input_class=_classes(event.get("inputQuantityList")),
            output_class=_classes(event.get("outputQuantityList")),
        )

    def all(self) -> Iterator[str]:
        for group in (
            self.epc,
            self.parent,
            self.input_epc,
            self.output_epc,
            self.epc_class,
            self.input_class,
            self.output_class,
        ):
            yield from group


def mda_prefixes(context: Any) -> set[str]:
    """The prefixes a document's @context binds to the CBV master-data namespace (cbvmda in GS1's context)."""
    prefixes = {"cbvmda"}
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, dict):
            prefixes.update(k for k, v in item.items() if v in (MDA, MDA.rstrip(":")))
    return prefixes


def stated_lot(event: Mapping[str, Any], prefixes: set[str]) -> str | None:
    """The lot number the event's ilmd states (cbvmda:lotNumber), if any."""
    ilmd = event.get("ilmd")
    if not isinstance(ilmd, dict):
        return None
    for key, value in ilmd.items():
        prefix, _, name = key.rpartition(":")
        if name == "lotNumber" and (prefix in prefixes or key == MDA + "lotNumber") and isinstance(value, str):
            return value
    return None


def lot_statements(event: Mapping[str, Any], prefixes: set[str]) -> dict[str, ids.Identity]:
    """Instance EPC key -> its lot, as this event states it: a Digital Link SGTIN with /10/, or an SGTIN listed by an
    ObjectEvent ADD (epcList) or a TransformationEvent (outputEPCList) whose ilmd has cbvmda:lotNumber."""
    stated: dict[str, ids.Identity] = {}
    roles = Roles.of(event)
    for text in roles.all():
        identity = ids.parse(text)
        if identity.kind is ids.Kind.SGTIN and (lot := identity.lot_identity):
            stated[identity.key] = lot
    lot_number = stated_lot(event, prefixes)
    if lot_number is not None:
        kind = event.get("type")
        listed = (
            roles.epc
            if kind == "ObjectEvent" and event.get("action") == "ADD"
            else roles.output_epc
            if kind == "TransformationEvent"
            else []
        )
        for text in listed:
            identity = ids.parse(text)
            if identity.kind is ids.Kind.SGTIN:
                stated[identity.key] = ids.Identity(ids.Kind.LGTIN, identity.number, lot=lot_number)
    return stated


def _keys(texts: list[str]) -> list[str]:
    return sorted({k for t in texts for k in ids.keys_of(t)})


def _location_key(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return ids.parse(value["id"]).key
    return None


def stored_row(event: dict[str, Any], event_id: str, prefixes: set[str], generated_id: bool) -> dict[str, Any]:
    """The row an event is stored as: the event as captured (with its generated eventID, if any) and the fields
    the queries select by, identifiers as identity keys (graph/epcis/identifiers.py)."""
    roles = Roles.of(event)
    captured = {**event, "eventID": event_id} if generated_id else event
    lots = lot_statements(event, prefixes)
    # The keys that tie events about the same things together (graph/epcis/derive.py): every identifier, and
    # the lots the event states for its instances.
    # A product class (a GTIN, a pattern) ties nothing: every event about the product would be one component.
    ties = {i.key for i in map(ids.parse, roles.all()) if i.kind is not ids.Kind.GTIN}
    ties |= {lot.key for lot in lots.values()}
    return {
        "eventID": event_id,
        "props": {
            "type": event.get("type"),
            "json": json.dumps(captured, ensure_ascii=False, separators=(",", ":")),
            "eventTime": instant_ms(event["eventTime"]),
            "action": event.get("action"),
            "bizStep": bare(event.get("bizStep")),
            "disposition": bare(event.get("disposition")),
            "bizLocation": _location_key(event.get("bizLocation")),
            "readPoint": _location_key(event.get("readPoint")),
            "transformationID": event.get("transformationID"),
            "hasError": "errorDeclaration" in event,
            "statedLots": json.dumps([[k, lot.number, lot.lot] for k, lot in sorted(lots.items())]),
            "epc": _keys(roles.epc),
            "parent": _keys(roles.parent),
            "inputEpc": _keys(roles.input_epc),
            "outputEpc": _keys(roles.output_epc),
            "epcClass": _keys(roles.epc_class),
            "inputEpcClass": _keys(roles.input_class),
            "outputEpcClass": _keys(roles.output_class),
        },
        "keys": sorted(ties),
    }
