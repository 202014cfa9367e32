"""Port control (contract/risk.graphql): IMPORT and EXPORT shipments of batches a warning targets, shipped
while it was in force; the same check for a declaration before the goods arrive; and the hits a shipment has.

Hits are computed when asked, from the warnings and shipments in the graph: a matching shipment imported while a
warning is active is a hit at once, and every hit names what it matched on (its evidence)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.lookup import shipments
from graph.nodes import ShipmentNode
from graph.read_model import from_row
from graph.records import Direction, parse_instant
from graph.risk.warnings import BatchFacts, MeasureKind, RiskWarning, by_ids, matched_on, read_warning
from graph.values import InstantOutOfRange

PORT_DIRECTIONS = (Direction.IMPORT, Direction.EXPORT)
MAX_HITS = 10_000


@dataclass(frozen=True)
class Hit:
    warning: RiskWarning
    matched_on: list[str]
    shipment: ShipmentNode | None = None  # None for a declaration

    @property
    def measures(self) -> list[MeasureKind]:
        return [m.kind for m in self.warning.measures]


async def warning_hits(graph: Graph, warning_id: str) -> list[Hit]:
    """Every port-control hit of a warning, by shippedAt then shipment id."""
    warning = (await by_ids(graph, [warning_id]))[0]
    if warning is None:
        raise NotFound("warning", warning_id, "warningId")
    rows = await graph.read("risk/warning_hits", id=warning_id, limit=MAX_HITS + 1)
    if len(rows) > MAX_HITS:
        raise BadInput("warningId", f"more than {MAX_HITS} hits: narrow the warning's targets")
    return [
        Hit(warning, matched_on(warning.targets, from_row(BatchFacts, r)), from_row(ShipmentNode, r["shipment"]))
        for r in rows
    ]


async def _matching(graph: Graph, facts: BatchFacts, at_ms: int, active_only: bool) -> list[Hit]:
    rows = await graph.read("risk/warnings_in_force", atMs=at_ms, activeOnly=active_only, withProposed=False)
    hits = []
    for r in rows:
        warning = read_warning(r)
        if found := matched_on(warning.targets, facts):
            hits.append(Hit(warning, found))
    return hits


async def _facts(graph: Graph, batch_ids: Sequence[str]) -> dict[str, BatchFacts]:
    return {r["batch"]: from_row(BatchFacts, r) for r in await graph.read("risk/batch_facts", ids=list(set(batch_ids)))}


async def check_declaration(graph: Graph, batch_id: str, direction: str, shipped_at: str) -> list[Hit]:
    """Which ACTIVE warnings a declared IMPORT or EXPORT of `batch_id` on `shipped_at` would hit; nothing is
    stored. A DOMESTIC movement passes no port: no hits."""
    if direction not in Direction.__members__:
        raise BadInput("direction", f"{direction!r} is not one of IMPORT, EXPORT, DOMESTIC")
    try:
        at_ms = int(parse_instant(shipped_at).timestamp() * 1000)
    except InstantOutOfRange as err:
        raise BadInput("shippedAt", str(err)) from None
    except ValueError:
        raise BadInput("shippedAt", f"{shipped_at!r} is not an ISO 8601 date or date-time") from None
    facts = (await _facts(graph, [batch_id])).get(batch_id)
    if facts is None:
        raise NotFound("batch", batch_id, "batchId")
    if Direction(direction) not in PORT_DIRECTIONS:
        return []
    return await _matching(graph, facts, at_ms, active_only=True)


async def shipment_hits(graph: Graph, shipment_ids: Sequence[str]) -> list[list[Hit]]:
    """The hits of each shipment: the warnings in force when it was shipped whose targets match its batch."""
    found = await shipments(graph, shipment_ids)
    facts = await _facts(graph, [s.batch_id for s in found if s])
    result: list[list[Hit]] = []
    for s in found:
        if s is None or s.direction not in PORT_DIRECTIONS or s.batch_id not in facts:
            result.append([])
            continue
        at_ms = int(parse_instant(s.shipped_at).timestamp() * 1000)
        result.append(
            [Hit(h.warning, h.matched_on, s) for h in await _matching(graph, facts[s.batch_id], at_ms, False)]
        )
    return result
