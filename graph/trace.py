"""Trace-back: where did this lot come from, hop by hop (contract/core.graphql `traceBack`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph
from graph.errors import BadInput, NotFound, check_range
from graph.nodes import BatchNode, ShipmentNode, TracedBatch
from graph.read_model import from_row

MAX_DEPTH = 50  # the contract's bound; cypher/trace/trace_back.cypher has it as its literal bound
MAX_SHIPMENTS = 10_000  # of one traced lot, as of the root's custody


@dataclass(frozen=True)
class Trace:
    root: BatchNode
    upstream: list[TracedBatch]  # by depth, then batch id
    custody: list[ShipmentNode]  # by shippedAt, then id

    @property
    def batches(self) -> list[BatchNode]:
        return [self.root, *(t.batch for t in self.upstream)]


@dataclass(frozen=True)
class BatchEdge:
    """An INPUT_TO edge: `input` was used to make `output`."""

    input: str
    output: str
    quantity: float | None  # in the input's unit; None when not recorded
    unit: str  # the input's unit


async def trace_back(graph: Graph, batch_id: str, max_depth: int, limit: int | None = None) -> Trace:
    """The whole trace, however large; `limit` (default TRACE_MAX_LOTS) only guards a runaway."""
    limit = graph.settings.trace_max_lots if limit is None else limit
    check_range("maxDepth", max_depth, 1, MAX_DEPTH)
    records = await graph.read("trace/trace_back", id=batch_id, maxDepth=max_depth, limit=limit + 1)
    return trace_from(records, batch_id, limit)


def trace_from(records: Sequence[Mapping[str, Any]], batch_id: str, limit: int) -> Trace:
    """The Trace of trace/trace_back's records (bench/profile_split.py times this step on its own)."""
    if not records:
        raise NotFound("batch", batch_id, "batchId")
    r = records[0]
    if len(r["upstream"]) > limit or len(r["custody"]) > limit:
        raise BadInput(
            "maxDepth",
            f"the trace of {batch_id!r} holds more than {limit} batches or shipments (TRACE_MAX_LOTS); lower maxDepth",
        )
    upstream = [TracedBatch(batch=batch_of(u["batch"]), depth=u["depth"]) for u in r["upstream"]]
    return Trace(batch_of(r["root"]), upstream, [from_row(ShipmentNode, s) for s in r["custody"]])


def batch_of(m: Mapping[str, Any]) -> BatchNode:
    """The BatchNode of a batch map of trace/trace_back or recall/recall_scope (every field but originCountry is
    set on every batch), built directly: from_row's generic reading took 3x as long for the lots of a large
    trace (bench/RESULTS.md)."""
    return BatchNode(
        id=m["id"],
        quantity=m["quantity"],
        unit=m["unit"],
        produced_at=m["producedAt"],
        origin_country=m["originCountry"],
        product_id=m["productId"],
        producer_id=m["producerId"],
    )


async def trace_edges(graph: Graph, trace: Trace, limit: int | None = None) -> list[BatchEdge]:
    """Every INPUT_TO edge whose two ends are in {root} + upstream, by output id, then input id; `limit` (default
    TRACE_MAX_EDGES) only guards a runaway."""
    limit = graph.settings.trace_max_edges if limit is None else limit
    ids = [b.id for b in trace.batches]
    edges = (await graph.read("trace/edges", ids=ids, limit=limit + 1))[0]["edges"]
    if len(edges) > limit:
        raise BadInput(
            "maxDepth",
            f"the trace of {trace.root.id!r} holds more than {limit} INPUT_TO edges (TRACE_MAX_EDGES); lower maxDepth",
        )
    return [BatchEdge(e["input"], e["output"], e["quantity"], e["unit"]) for e in edges]


async def shipments_of(graph: Graph, batch_ids: Sequence[str], limit: int = MAX_SHIPMENTS) -> list[list[ShipmentNode]]:
    """The shipments that carried each lot, by shippedAt then id, lined up with `batch_ids` (empty for an unknown
    id): the backend of the DataLoader behind every traced lot's `shipments`."""
    rows = (await graph.read("trace/shipments", ids=list(set(batch_ids)), limit=limit + 1))[0]["batches"]
    found = {r["batch"]: r["shipments"] for r in rows}
    too_many = next((i for i in batch_ids if len(found.get(i, [])) > limit), None)
    if too_many is not None:
        raise BadInput("shipments", f"batch {too_many!r} has more than {limit} shipments, more than one answer lists")
    return [[from_row(ShipmentNode, s) for s in found.get(i, [])] for i in batch_ids]
