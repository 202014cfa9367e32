"""Warning evaluation: is the warning working, and should it be kept, adjusted or lifted?

It weighs the signals on the warning's targets before and after it took effect, its port-control hits (recent
ones mean goods are still coming), and the effectiveness of its recalls, and says why."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.clock import now_ms
from graph.db import Graph
from graph.errors import NotFound
from graph.nodes import ShipmentNode
from graph.records import parse_instant
from graph.risk import port_control, recalls
from graph.risk.warnings import RiskWarning, WarningStatus, by_ids, iso

MAX_SIGNALS = 10_000
RECENT_DAYS = 30  # port-control hits this recent mean goods are still arriving
RECALL_TARGET = 0.95  # effectiveness a recall should reach (in every unit) before a warning is lifted
DAY_MS = 86_400_000


class Recommendation(StrEnum):
    KEEP = "KEEP"
    ADJUST = "ADJUST"
    LIFT = "LIFT"


@dataclass(frozen=True)
class Evaluation:
    warning: RiskWarning
    signals_before: list[str]  # on its targets, received before it took effect
    signals_after: list[str]  # received since (its own signals excluded)
    hits: int
    recent_hits: int
    recalls: list[recalls.Recall]
    recommendation: Recommendation
    reason: str


async def evaluate(graph: Graph, warning_id: str, now: int | None = None) -> Evaluation:
    at = now if now is not None else now_ms()
    warning = (await by_ids(graph, [warning_id]))[0]
    if warning is None:
        raise NotFound("warning", warning_id, "id")
    rows = await graph.read("risk/warning_signals", id=warning_id, limit=MAX_SIGNALS)
    own = set(warning.signal_ids)
    before = [r["id"] for r in rows if r["receivedAtMs"] < warning.effective_from_ms]
    # a new report of an incident already known (one of the warning's own, or one before it) is no new signal
    known = {r["incident"] for r in rows if r["id"] in own or r["receivedAtMs"] < warning.effective_from_ms}
    after = [
        r["id"]
        for r in _one_per_incident(rows)
        if r["receivedAtMs"] >= warning.effective_from_ms and r["id"] not in own and r["incident"] not in known
    ]
    hits = await port_control.warning_hits(graph, warning_id)
    recent = [h for h in hits if h.shipment and _ms(h.shipment) >= at - RECENT_DAYS * DAY_MS]
    recall_ids = [r["id"] for r in await graph.read("risk/warning_recalls", id=warning_id)]
    opened = [r for r in await recalls.by_ids(graph, recall_ids) if r is not None]
    observed_days = (at - warning.effective_from_ms) / DAY_MS
    minimum = graph.settings.warning_observation_days
    lagging = [r for r in opened if r.effectiveness < RECALL_TARGET]

    if warning.status == WarningStatus.LIFTED:
        recommendation, reason = (
            Recommendation.LIFT,
            f"lifted on {iso(warning.lifted_at_ms or 0)}; shown for the record",
        )
    elif after:
        recommendation = Recommendation.ADJUST
        reason = (
            f"{len(after)} new signal(s) on its targets since it took effect ({', '.join(after[:5])}): "
            "the hazard persists; consider a higher grade, wider targets or stronger measures"
        )
    elif lagging:
        recommendation = Recommendation.KEEP
        reason = "recall(s) below {:.0%} effectiveness: {}".format(
            RECALL_TARGET, ", ".join(f"{r.id} at {r.effectiveness:.0%} ({_per_unit(r)})" for r in lagging)
        )
    elif recent:
        recommendation = Recommendation.KEEP
        reason = f"{len(recent)} port-control hit(s) in the last {RECENT_DAYS} days: matching goods are still moving"
    elif observed_days < minimum:
        recommendation = Recommendation.KEEP
        # whole days served, rounded down: 29.5 of 30 days must not read as 30 of 30
        reason = f"in force for {math.floor(observed_days)} of the {minimum} days a warning is observed before lifting"
    else:
        recommendation = Recommendation.LIFT
        reason = f"no new signal in {observed_days:.0f} days, no port-control hit in the last {RECENT_DAYS} days" + (
            f", recalls at {', '.join(f'{r.effectiveness:.0%}' for r in opened)}" if opened else ""
        )
    return Evaluation(warning, before, after, len(hits), len(recent), opened, recommendation, reason)


def _one_per_incident(rows: list[Any]) -> list[Any]:
    """The first signal of each incident (rows by receivedAt): a duplicate report is no new signal."""
    seen: set[str] = set()
    firsts = []
    for row in rows:
        if row["incident"] not in seen:
            seen.add(row["incident"])
            firsts.append(row)
    return firsts


def _per_unit(recall: recalls.Recall) -> str:
    """Its effectiveness in each unit it has on hand: the recall's is the smallest, never a sum across units."""
    return ", ".join(f"{u.unit} {u.effectiveness:.0%}" for u in recall.by_unit() if u.on_hand > 0)


def _ms(shipment: ShipmentNode) -> int:
    return int(parse_instant(shipment.shipped_at).timestamp() * 1000)
