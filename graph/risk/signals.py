"""Risk signals: from any channel as records or the reportSignal mutation, and LAB_FAILURE signals that FAIL
reports of recognised labs raise by themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph


@dataclass(frozen=True)
class Signal:
    id: str
    source: str
    hazard: str
    severity: int
    probability: float
    received_at: str
    received_at_ms: int
    subject_kind: str  # batch, product or enterprise
    subject_id: str
    description: str | None = None
    report_id: str | None = None  # the FAIL report behind a LAB_FAILURE signal

    @classmethod
    def of(cls, m: dict[str, Any]) -> Signal:
        return cls(
            id=m["id"],
            source=m["source"],
            hazard=m["hazard"],
            severity=m["severity"],
            probability=m["probability"],
            received_at=m["receivedAt"],
            received_at_ms=m["receivedAtMs"],
            subject_kind=m["subjectKind"],
            subject_id=m["subjectId"],
            description=m.get("description"),
            report_id=m.get("reportId"),
        )


async def signals_by_id(graph: Graph, ids: Sequence[str]) -> list[Signal | None]:
    found = {r["signal"]["id"]: Signal.of(r["signal"]) for r in await graph.read("risk/signals", ids=list(ids))}
    return [found.get(i) for i in ids]


async def raise_lab_failures(graph: Graph, report_ids: Sequence[str]) -> int:
    """LAB_FAILURE signals for the FAIL reports among `report_ids` whose lab is recognised and active."""
    if not report_ids:
        return 0
    risks = {c.value: r.model_dump(mode="json") for c, r in graph.settings.lab_failure_risk.items()}
    rows = await graph.write("risk/raise_lab_failures", ids=list(report_ids), risks=risks)
    return rows[0]["raised"] if rows else 0
