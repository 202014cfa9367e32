"""The graph derived from EPCIS events (contract/EPCIS.md section 5), as RECORDS.md records written through the
one import path (graph/imports.py: the same validation, idempotence and derived state: ties, grades, LAB_FAILURE
signals).

The records of a lot depend on every event about it (which event produced it, every transformation it came out
of, the shipments of the SSCCs it was packed in), whatever the order of capture. So a capture does not map its
own events: it grows, from the identity keys they name, the closed set of stored events about the same things
(cypher/epcis/component.cypher) and maps that set whole. Mapping the same set again yields the same records, which
the import then counts as unchanged: a re-capture changes nothing.

Records of parties, products and labs are written only when the graph lacks them: one imported as a record (with
its roles, HS code, recognition) is never overwritten by the little an event says of it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.db import Graph
from graph.epcis import company_prefix
from graph.epcis import identifiers as ids
from graph.epcis.events import Roles, instant_ms
from graph.epcis.vocabulary import bare
from graph.imports import import_lines
from graph.ingest.report import ImportReport, Progress
from graph.ingest.source import EpcisRecord

UNKNOWN_PARTY = "urn:tracegraph:party:unknown"
PLACEHOLDER_HS_CODE = "000000"  # an EPCIS event does not say a product's HS code; a record import can
MAX_COMPONENT_EVENTS = 200_000
MAX_ROUNDS = 100
LOOKUP_CHUNK = 5_000  # keys per read


@dataclass(frozen=True)
class StoredEvent:
    event_id: str
    data: dict[str, Any]
    stated_lots: list[list[str]]  # [instance key, GTIN-14, lot]
    withdrawn: bool = False  # declared an error: contributes nothing

    @property
    def time_ms(self) -> int:
        return instant_ms(self.data["eventTime"])

    @property
    def order(self) -> tuple[int, str]:
        return (self.time_ms, self.event_id)


async def component(graph: Graph, seeds: Iterable[str]) -> list[StoredEvent]:
    """The stored events tied to `seeds` by the identity keys they name, transitively."""
    frontier = sorted(set(seeds))
    seen_keys = set(frontier)
    found: dict[str, StoredEvent] = {}
    for _ in range(MAX_ROUNDS):
        if not frontier or len(found) >= MAX_COMPONENT_EVENTS:
            break
        rows = []
        for start in range(0, len(frontier), LOOKUP_CHUNK):
            rows += await graph.read(
                "epcis/component",
                keys=frontier[start : start + LOOKUP_CHUNK],
                limit=MAX_COMPONENT_EVENTS,
            )
        frontier = []
        for r in rows:
            if r["eventID"] in found:
                continue
            found[r["eventID"]] = StoredEvent(
                r["eventID"], json.loads(r["json"]), json.loads(r["statedLots"]), bool(r["hasError"])
            )
            for key in r["keys"]:
                if key not in seen_keys:
                    seen_keys.add(key)
                    frontier.append(key)
    return sorted(found.values(), key=lambda e: e.order)


@dataclass(frozen=True)
class LotAmount:
    lot: ids.Identity
    quantity: float | None  # None: an instance (counted), or a quantity element without quantity
    unit: str | None


class Mapper:
    """Maps one closed set of events to records."""

    def __init__(self, events: list[StoredEvent], splits: dict[str, int]):
        self.events = [e for e in events if not e.withdrawn]
        self.withdrawn = [e for e in events if e.withdrawn]
        self.splits = splits
        # AggregationEvents by the key of their parent (an SSCC's packings and unpackings), in time order
        self.aggregations: dict[str, list[StoredEvent]] = defaultdict(list)
        for event in self.events:
            parent = event.data.get("parentID")
            if event.data.get("type") == "AggregationEvent" and isinstance(parent, str):
                self.aggregations[ids.parse(parent).key].append(event)
        self.instance_lots: dict[str, ids.Identity] = {}
        for event in events:
            for key, gtin, lot in event.stated_lots:
                self.instance_lots.setdefault(key, ids.Identity(ids.Kind.LGTIN, gtin, lot=lot))

    # --- identifiers -------------------------------------------------------------------------------------------

    def lot_id(self, lot: ids.Identity) -> str:
        return ids.to_urn(lot, self.splits)

    def product_id(self, lot: ids.Identity) -> str:
        if lot.kind is ids.Kind.OTHER:  # a non-GS1 class: its id without its lot part
            head, dot, _ = lot.number.rpartition(".")
            return head if dot and head else lot.number
        return ids.to_urn(ids.Identity(ids.Kind.GTIN, lot.number), self.splits)

    def _class_lot(self, text: str) -> ids.Identity | None:
        identity = ids.parse(text)
        if identity.kind in (ids.Kind.LGTIN, ids.Kind.OTHER):
            return identity
        return None  # a GTIN alone or a pattern: a product, not a lot

    def _instance_lot(self, text: str) -> ids.Identity | None:
        identity = ids.parse(text)
        if identity.kind is not ids.Kind.SGTIN:
            return None
        return identity.lot_identity or self.instance_lots.get(identity.key)

    def amounts(self, event: dict[str, Any], role: str) -> list[LotAmount]:
        """The lots of one role of an event ("main": quantityList, childQuantityList, epcList, childEPCs; "in";
        "out"), with their quantities."""
        quantity_lists = {
            "main": ("quantityList", "childQuantityList"),
            "in": ("inputQuantityList",),
            "out": ("outputQuantityList",),
        }[role]
        roles = Roles.of(event)
        instances = {"main": roles.epc, "in": roles.input_epc, "out": roles.output_epc}[role]
        found = []
        for name in quantity_lists:
            for element in event.get(name) or ():
                lot = self._class_lot(element.get("epcClass", ""))
                if lot is not None:
                    quantity = element.get("quantity")
                    found.append(LotAmount(lot, float(quantity) if quantity else None, element.get("uom")))
        for text in instances:
            lot = self._instance_lot(text)
            if lot is not None:
                found.append(LotAmount(lot, None, None))
        return found

    # --- records -----------------------------------------------------------------------------------------------

    def records(self) -> Iterator[dict[str, Any]]:
        yield from self.batches()
        yield from self.shipments()
        yield from self.test_reports()

    def batches(self) -> Iterator[dict[str, Any]]:
        mentions: dict[str, list[tuple[StoredEvent, str, list[LotAmount]]]] = defaultdict(list)
        lots: dict[str, ids.Identity] = {}
        for event in self.events:
            for role in ("main", "in", "out"):
                by_lot: dict[str, list[LotAmount]] = defaultdict(list)
                for amount in self.amounts(event.data, role):
                    by_lot[amount.lot.key].append(amount)
                    lots[amount.lot.key] = amount.lot
                for key, amounts in by_lot.items():
                    mentions[key].append((event, role, amounts))
        for key in sorted(lots):
            lot = lots[key]
            yield self._batch(lot, mentions[key])
        yield from self._withdrawn_batches(set(lots))

    def _withdrawn_batches(self, live: set[str]) -> Iterator[dict[str, Any]]:
        """A lot that only withdrawn events name: the import path deletes nothing, so its batch stays, as the
        withdrawn event that produced it stated it, without the inputs a withdrawn transformation gave it."""
        seen: set[str] = set()
        for event in self.withdrawn:
            for role in ("out", "main"):
                amounts = self.amounts(event.data, role)
                for key in sorted({a.lot.key for a in amounts} - live - seen):
                    seen.add(key)
                    mine = [a for a in amounts if a.lot.key == key]
                    record = self._batch(mine[0].lot, [(event, role, mine)])
                    record.pop("inputs", None)
                    yield record

    def _batch(self, lot: ids.Identity, mentions: list[tuple[StoredEvent, str, list[LotAmount]]]) -> dict[str, Any]:
        def producing(m: tuple[StoredEvent, str, list[LotAmount]]) -> tuple[int, int, str]:
            event, role, _ = m
            data = event.data
            rank = (
                0
                if data.get("type") == "TransformationEvent" and role == "out"
                else 1
                if data.get("type") == "ObjectEvent" and data.get("action") == "ADD" and role == "main"
                else 2
            )
            return (rank, *event.order)

        event, _, amounts = min(mentions, key=producing)
        given = [a.quantity for a in amounts if a.quantity]
        quantity = sum(given) if given else float(len(amounts))
        unit = next((a.unit for a in amounts if a.unit), None) or "EA"
        lot_id = self.lot_id(lot)
        inputs: dict[str, float] = defaultdict(float)
        for source, role, _ in mentions:
            if role != "out" or source.data.get("type") != "TransformationEvent":
                continue
            for amount in self.amounts(source.data, "in"):
                input_id = self.lot_id(amount.lot)
                if input_id != lot_id:
                    inputs[input_id] += amount.quantity or 1.0
        record: dict[str, Any] = {
            "type": "batch",
            "id": lot_id,
            "product": self.product_id(lot),
            "producer": owning_party(event.data, "destinationList") or UNKNOWN_PARTY,
            "quantity": quantity,
            "unit": unit,
            "producedAt": event.data["eventTime"],
        }
        if inputs:
            record["inputs"] = [{"batch": b, "quantity": q} for b, q in sorted(inputs.items())]
        return record

    def _shipped_lots(self, event: StoredEvent) -> dict[str, float]:
        """Lot id -> quantity carried: the event's own lots, and those packed in the SSCCs of its epcList."""
        carried: dict[str, float] = defaultdict(float)
        for amount in self.amounts(event.data, "main"):
            carried[self.lot_id(amount.lot)] += amount.quantity or 1.0
        for text in Roles.of(event.data).epc:
            identity = ids.parse(text)
            if identity.kind is ids.Kind.SSCC:
                for lot_id, quantity in self._contents(identity.key, event.order).items():
                    carried[lot_id] += quantity
        return carried

    def _contents(self, sscc: str, before: tuple[int, str]) -> dict[str, float]:
        """The lots an AggregationEvent ADD (or OBSERVE) put into an SSCC before `before`, with no DELETE between."""
        contents: dict[str, float] = {}
        for event in self.aggregations.get(sscc, ()):  # in time order
            if event.order >= before:
                break
            data = event.data
            if data.get("action") == "DELETE":
                contents = {}
                continue
            for amount in self.amounts(data, "main"):
                lot_id = self.lot_id(amount.lot)
                contents[lot_id] = contents.get(lot_id, 0.0) + (amount.quantity or 1.0)
        return contents

    def shipments(self) -> Iterator[dict[str, Any]]:
        shipped: set[tuple[str, str, str]] = set()  # (from, to, lot) of the shipping events
        receiving = []
        for event in self.events:
            data = event.data
            step = bare(data.get("bizStep"))
            if data.get("type") != "ObjectEvent" or step not in ("shipping", "receiving"):
                continue
            if step == "receiving":
                receiving.append(event)
                continue
            for record in self._shipment(event):
                shipped.add((record["from"], record["to"], record["batch"]))
                yield record
        for event in receiving:
            records = list(self._shipment(event))
            if not any((r["from"], r["to"], r["batch"]) in shipped for r in records):
                yield from records  # no shipping event known: the receipt stands for the shipment

    def _shipment(self, event: StoredEvent) -> Iterator[dict[str, Any]]:
        data = event.data
        sender = owning_party(data, "sourceList")
        consignee = owning_party(data, "destinationList")
        if not sender or not consignee or sender == consignee:
            return
        carried = self._shipped_lots(event)
        for n, (lot_id, quantity) in enumerate(sorted(carried.items()), start=1):
            yield {
                "type": "shipment",
                "id": event.event_id if len(carried) == 1 else f"{event.event_id}#{n}",
                "batch": lot_id,
                "from": sender,
                "to": consignee,
                "quantity": quantity,
                "shippedAt": data["eventTime"],
            }

    def test_reports(self) -> Iterator[dict[str, Any]]:
        for event in self.events:
            data = event.data
            result = {"conformant": "PASS", "non_conformant": "FAIL"}.get(bare(data.get("disposition")) or "")
            if data.get("type") != "ObjectEvent" or bare(data.get("bizStep")) not in ("inspecting", "sampling"):
                continue
            if result is None:
                continue
            lots = sorted({self.lot_id(a.lot) for a in self.amounts(data, "main")})
            lab = _location(data, "bizLocation") or _location(data, "readPoint") or UNKNOWN_PARTY
            for n, lot_id in enumerate(lots, start=1):
                yield {
                    "type": "test_report",
                    "id": event.event_id if len(lots) == 1 else f"{event.event_id}#{n}",
                    "lab": lab,
                    "batch": lot_id,
                    "result": result,
                    "testedAt": data["eventTime"],
                }


def owning_party(event: dict[str, Any], list_name: str) -> str | None:
    """The owning_party of a source or destination list, else its possessing_party (as written)."""
    entries = [e for e in event.get(list_name) or () if isinstance(e, dict)]
    for wanted in ("owning_party", "possessing_party"):
        for entry in entries:
            if bare(entry.get("type")) == wanted and isinstance(entry.get(list_name[:-4]), str):
                return str(entry[list_name[:-4]])
    return None


def _location(event: dict[str, Any], name: str) -> str | None:
    value = event.get(name)
    return value["id"] if isinstance(value, dict) and isinstance(value.get("id"), str) else None


async def _missing(graph: Graph, records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Records of the parties, products and labs the mapped records name that the graph lacks."""
    enterprises = sorted(
        {r[f] for r in records for f in ("producer", "from", "to") if r["type"] in ("batch", "shipment") and f in r}
    )
    products = sorted({r["product"] for r in records if r["type"] == "batch"})
    labs = sorted({r["lab"] for r in records if r["type"] == "test_report"})
    found: dict[str, list[str]] = {"enterprises": [], "products": [], "labs": []}
    for start in range(0, max(len(enterprises), len(products), len(labs)), LOOKUP_CHUNK):
        part = slice(start, start + LOOKUP_CHUNK)
        row = (
            await graph.read(
                "ingest/existing_ids",
                enterprises=enterprises[part],
                persons=[],
                products=products[part],
                batches=[],
                labs=labs[part],
                agencies=[],
            )
        )[0]
        for name in found:
            found[name] += row[name]

    def named(rtype: str, ids_: list[str], have: list[str], **more: Any) -> Iterator[dict[str, Any]]:
        known = set(have)
        for id_ in ids_:
            if id_ not in known:
                yield {"type": rtype, "id": id_, "name": id_, **more}

    return iter(
        [
            *named("enterprise", enterprises, found["enterprises"]),
            *named("product", products, found["products"], hsCode=PLACEHOLDER_HS_CODE, category="OTHER"),
            *named("lab", labs, found["labs"]),
        ]
    )


async def records_of(graph: Graph, events: list[StoredEvent]) -> list[dict[str, Any]]:
    numbers = sorted({ids.parse(t).number for e in events for t in Roles.of(e.data).all()})
    splits = await company_prefix.known(graph, numbers)
    mapped = list(Mapper(events, splits).records())
    return [*await _missing(graph, mapped), *mapped]


async def derive(graph: Graph, seeds: Iterable[str], progress: Progress | None = None) -> ImportReport:
    """Map the events tied to `seeds` and import the records (through graph/imports.py)."""
    records = await records_of(graph, await component(graph, seeds))
    lines = [EpcisRecord(json.dumps(r, ensure_ascii=False)) for r in records]
    return await import_lines(graph, lines, progress, total_lines=len(lines))
