"""Risk signals: from any channel as records or the reportSignal mutation, and LAB_FAILURE signals that FAIL
reports of recognised labs raise by themselves."""

from __future__ import annotations

from collections.abc import Sequence

from graph.db import Graph
from graph.read_model import read_by_id, read_model, reader
from graph.records import Hazard, SignalSource


@read_model
class Signal:
    id: str
    source: SignalSource
    hazard: Hazard
    severity: int
    probability: float
    received_at: str
    received_at_ms: int
    subject_kind: str  # batch, product or enterprise
    subject_id: str
    description: str | None
    report_id: str | None  # the FAIL report behind a LAB_FAILURE signal
    channel: str | None = None  # graph/risk/channels.py ChannelKind; None for signals filed without one
    channel_details: str | None = None  # the channel's fields, as JSON text
    incident_key: str | None = None
    incident_id: str | None = None  # None until linked (a LAB_FAILURE signal is its own incident)
    duplicates: tuple[str, ...] = ()  # the other signals of its incident, by receivedAt then id

    @property
    def incident(self) -> str:
        return self.incident_id or f"signal:{self.id}"


async def signals_by_id(graph: Graph, ids: Sequence[str]) -> list[Signal | None]:
    return await read_by_id(graph, "risk/signals", ids, reader(Signal, "signal"))


async def raise_lab_failures(graph: Graph, report_ids: Sequence[str]) -> int:
    """LAB_FAILURE signals for the FAIL reports among `report_ids` whose lab is recognised and active."""
    if not report_ids:
        return 0
    risks = {c.value: r.model_dump(mode="json") for c, r in graph.settings.lab_failure_risk.items()}
    rows = await graph.write("risk/raise_lab_failures", ids=list(report_ids), risks=risks)
    return rows[0]["raised"] if rows else 0


INCIDENT_LINK_CHUNK = 1000


async def link_incidents(graph: Graph) -> int:
    """Link the signals imports created or changed to their incidents (risk/link_incidents.cypher); how many."""
    window = graph.settings.incident_window_days * 86_400_000
    total = 0
    while True:
        rows = await graph.write("risk/link_incidents", windowMs=window, limit=INCIDENT_LINK_CHUNK)
        linked = rows[0]["linked"] if rows else 0
        total += linked
        if linked < INCIDENT_LINK_CHUNK:
            return total
