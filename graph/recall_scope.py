"""Recall scope: given defective lots, every affected downstream lot, the INPUT_TO edges between them, and every
consignee with what it received, forwarded, used and still holds (contract/core.graphql `recallScope`), and the
same as rows for the sortable spreadsheet (their columns are presentation: api/exports.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import lookup
from graph.db import Graph
from graph.errors import BadInput, NotFound, check_range
from graph.mass_balance import flows, on_hand
from graph.nodes import BatchNode, EnterpriseNode, ProductNode, TracedBatch
from graph.read_model import read_model
from graph.trace import MAX_DEPTH, BatchEdge, batch_of

MAX_SOURCES = 1000


@dataclass(frozen=True)
class Carried:
    """One shipment that makes up a holding: what the spreadsheet names (shipment, consignor, declaration)."""

    shipment: str
    consignor: str
    declaration: str | None
    shipped_at: str


@read_model
class Holding:
    batch: BatchNode
    quantity: float  # sum of the quantities of the shipments of this batch to this consignee
    forwarded: float  # sum of the shipments of this batch from this consignee
    used: float  # INPUT_TO quantities of this batch into lots this consignee produced
    shipments: int  # how many shipments make up the quantity
    first_shipped_at: str
    last_shipped_at: str
    depth: int
    carried: tuple[Carried, ...] = ()  # by shippedAt, then shipment id

    @property
    def unit(self) -> str:
        return self.batch.unit

    @property
    def on_hand(self) -> float:
        """max(0, quantity - forwarded - used): what a recall must recover from this consignee."""
        return on_hand(self.quantity, self.forwarded, self.used)


@dataclass(frozen=True)
class Consignee:
    enterprise_id: str
    holdings: list[Holding]  # by batch id


@dataclass(frozen=True)
class RecallScope:
    sources: list[BatchNode]
    affected: list[TracedBatch]  # by depth, then batch id
    consignees: list[Consignee]  # by enterprise id
    edges: list[BatchEdge]  # every INPUT_TO edge whose two ends are affected, by output id, then input id


async def recall_scope(graph: Graph, batch_ids: list[str], max_depth: int, limit: int | None = None) -> RecallScope:
    """The whole scope, however large a real recall is; `limit` (default RECALL_MAX_LOTS) only guards a runaway."""
    limit = graph.settings.recall_max_lots if limit is None else limit
    wanted = asked_sources(batch_ids, max_depth)
    records = await graph.read("recall/recall_scope", ids=wanted, maxDepth=max_depth, limit=limit + 1)
    return scope_from(records[0]["scope"], wanted, limit)


def asked_sources(batch_ids: list[str], max_depth: int) -> list[str]:
    """The sources of a recall as asked, de-duplicated in the caller's order, once the arguments are checked."""
    check_range("maxDepth", max_depth, 1, MAX_DEPTH)
    if not batch_ids:
        raise BadInput("batchIds", "give at least one batch id")
    if len(batch_ids) > MAX_SOURCES:
        raise BadInput("batchIds", f"at most {MAX_SOURCES} batch ids, got {len(batch_ids)}")
    return list(dict.fromkeys(batch_ids))


def check_reached(reached: int, found_sources: Iterable[str], wanted: list[str], limit: int) -> None:
    """Refuse a runaway scope (more than `limit` lots, when `limit + 1` were read) and an unknown source."""
    if reached > limit:
        raise BadInput(
            "maxDepth",
            f"the recall scope holds more than {limit} batches (RECALL_MAX_LOTS); lower maxDepth or split the sources",
        )
    found = set(found_sources)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound("batch", missing[0], "batchIds")


def scope_from(lots: Sequence[Mapping[str, Any]], wanted: list[str], limit: int) -> RecallScope:
    """The RecallScope of recall/recall_scope's lots (its one row's `scope`) for the de-duplicated sources `wanted`
    (bench/profile_split.py times this step on its own)."""
    affected = [TracedBatch(batch=batch_of(r["batch"]), depth=r["depth"]) for r in lots]
    at_source = {t.batch.id: t.batch for t in affected if t.depth == 0}
    check_reached(len(lots), at_source, wanted, limit)

    affected_ids = {t.batch.id for t in affected}
    by_consignee: dict[str, list[Holding]] = defaultdict(list)
    edges: list[BatchEdge] = []
    for r, traced in zip(lots, affected, strict=True):
        for consignee, holding in lot_holdings(r, traced):
            by_consignee[consignee].append(holding)
        edges.extend(
            BatchEdge(traced.batch.id, u["output"], u["quantity"], traced.batch.unit)
            for u in r["uses"]
            if u["output"] in affected_ids
        )
    consignees = [Consignee(c, sorted(h, key=lambda x: x.batch.id)) for c, h in sorted(by_consignee.items())]
    edges.sort(key=lambda e: (e.output, e.input))
    return RecallScope([at_source[i] for i in wanted], affected, consignees, edges)


def lot_holdings(lot: Mapping[str, Any], traced: TracedBatch) -> list[tuple[str, Holding]]:
    """(consignee, holding) for each consignee of one lot of recall/recall_scope (its map, and the lot read from
    it): a holding depends on nothing but the lot's own shipments and uses."""
    b = traced.batch
    per_consignee: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in lot["shipments"]:
        per_consignee[s["consignee"]].append(s)
    by_party = flows(
        b.quantity,
        b.producer_id,
        ((s["consignor"], s["consignee"], s["quantity"]) for s in lot["shipments"]),
        ((u["producer"], u["quantity"]) for u in lot["uses"]),
    )
    holdings = []
    for consignee, shipped in per_consignee.items():
        shipped.sort(key=lambda s: (s["shippedAtMs"], s["id"]))
        party = by_party[consignee]
        holding = Holding(
            batch=b,
            quantity=party.total_received,
            forwarded=party.total_shipped,
            used=party.total_used,
            depth=traced.depth,
            shipments=len(shipped),
            first_shipped_at=shipped[0]["shippedAt"],
            last_shipped_at=shipped[-1]["shippedAt"],
            carried=tuple(Carried(s["id"], s["consignor"], s["declaration"], s["shippedAt"]) for s in shipped),
        )
        holdings.append((consignee, holding))
    return holdings


@dataclass(frozen=True)
class ScopeRow:
    """One consignee and batch of a recall scope with what a coordinator acts on: who holds it and how much, who
    shipped it there and under which declarations, and which of the asked lots it descends from."""

    consignee_id: str
    consignee: EnterpriseNode | None
    holding: Holding
    product: ProductNode | None
    producer: EnterpriseNode | None
    consignors: list[tuple[str, str | None]]  # (id, name), in the order of their first shipment to the consignee
    sources: list[str]  # the asked lots it descends from within maxDepth, in the order they were asked


def descends_from(scope: RecallScope, max_depth: int) -> dict[str, list[str]]:
    """For each affected lot, the sources with a path of at most max_depth INPUT_TO edges to it (the lot itself
    for a source). Every lot on such a path is affected, so the scope's edges are all the walk needs."""
    sources = [b.id for b in scope.sources]
    if len(sources) == 1:
        return {t.batch.id: sources for t in scope.affected}
    outputs: dict[str, list[str]] = defaultdict(list)
    for e in scope.edges:
        outputs[e.input].append(e.output)
    reached: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        seen, frontier = {source}, [source]
        for _ in range(max_depth):
            frontier = list(dict.fromkeys(o for b in frontier for o in outputs[b] if o not in seen))
            seen.update(frontier)
        for b in seen:
            reached[b].append(source)
    return reached


async def recall_rows(graph: Graph, batch_ids: list[str], max_depth: int) -> list[ScopeRow]:
    """One row per consignee and batch, by consignee then batch: the FSMA-204-style electronic sortable spreadsheet."""
    scope = await recall_scope(graph, batch_ids, max_depth)
    holdings = [(c.enterprise_id, h) for c in scope.consignees for h in c.holdings]
    enterprise_ids = sorted(
        {c for c, _ in holdings}
        | {h.batch.producer_id for _, h in holdings}
        | {s.consignor for _, h in holdings for s in h.carried}
    )
    enterprises = {e.id: e for e in await lookup.enterprises(graph, enterprise_ids) if e}
    products = {p.id: p for p in await lookup.products(graph, sorted({h.batch.product_id for _, h in holdings})) if p}
    sources = descends_from(scope, max_depth)

    def consignors(h: Holding) -> list[tuple[str, str | None]]:
        ids = dict.fromkeys(s.consignor for s in h.carried)
        return [(i, enterprises[i].name if i in enterprises else None) for i in ids]

    return [
        ScopeRow(
            consignee_id=c,
            consignee=enterprises.get(c),
            holding=h,
            product=products.get(h.batch.product_id),
            producer=enterprises.get(h.batch.producer_id),
            consignors=consignors(h),
            sources=sources[h.batch.id],
        )
        for c, h in holdings
    ]
