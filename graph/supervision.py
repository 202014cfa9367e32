"""Differentiated supervision: inspection rates by credit grade and network exposure; recognised lab results.

An enterprise's inspection plan starts from the rate its credit grade calls for (Settings.inspection_rates:
REGULAR is the base) and is raised to Settings.inspection_raised_rate when blacklist contagion asks for
raised inspection or a downgrade review. Every factor is listed as a reason, with the rate it calls for.

A test report counts as a recognised result only while its lab is recognised and ACTIVE; a report issued
while its lab was suspended or revoked never counts, and is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph import contagion as cg
from graph.db import Graph
from graph.lookup import enterprises
from graph.nodes import LabNode
from graph.read_model import read_model
from graph.records import CreditGrade, parse_instant


@read_model
class InspectionReason:
    kind: str  # CREDIT_GRADE or CONTAGION
    detail: str
    rate: float


@read_model
class InspectionPlan:
    grade: CreditGrade
    rate: float  # the highest rate any reason calls for (0..1)
    base_rate: float  # the REGULAR grade's rate
    reasons: tuple[InspectionReason, ...]
    exposure: cg.Exposure | None  # the contagion exposure, when there is one
    enterprise_id: str


def _grade_reason(grade: CreditGrade, rate: float, base: float) -> InspectionReason:
    relative = "the base rate" if grade == CreditGrade.REGULAR else f"{rate / base:.0%} of the base rate"
    return InspectionReason(
        kind="CREDIT_GRADE", detail=f"credit grade {grade.value}: {rate:.1%} ({relative})", rate=rate
    )


def _contagion_reason(exposure: cg.Exposure, raised: float) -> InspectionReason:
    sources = ", ".join(p.source_id for p in exposure.evidence)
    return InspectionReason(
        kind="CONTAGION",
        detail=f"tied to blacklisted {sources} (contagion score {exposure.score}, {exposure.action.value}): "
        f"inspection raised to at least {raised:.1%}",
        rate=raised,
    )


async def inspection_plans(graph: Graph, ids: Sequence[str]) -> list[InspectionPlan | None]:
    """Plans for many enterprises from one contagion run over the blacklisted sources; None for unknown ids."""
    settings = graph.settings
    rates, raised = settings.inspection_rates, settings.inspection_raised_rate
    base = rates[CreditGrade.REGULAR]
    nodes = await enterprises(graph, ids)
    exposed = {e.enterprise: e for e in await cg.contagion(graph, None, min_score=0.3)}
    plans: list[InspectionPlan | None] = []
    for node in nodes:
        if node is None:
            plans.append(None)
            continue
        grade = node.credit_grade
        reasons = [_grade_reason(grade, rates[grade], base)]
        exposure = exposed.get(node.id)
        if exposure and exposure.action in (cg.Action.RAISED_INSPECTION, cg.Action.DOWNGRADE_REVIEW):
            reasons.append(_contagion_reason(exposure, raised))
        rate = max(r.rate for r in reasons)
        plans.append(
            InspectionPlan(
                grade=grade, rate=rate, base_rate=base, reasons=tuple(reasons), exposure=exposure, enterprise_id=node.id
            )
        )
    return plans


@dataclass(frozen=True)
class Recognition:
    recognised: bool  # counts as a recognised third-party result today
    issued_while_suspended: bool  # the lab was SUSPENDED or REVOKED when it tested
    reason: str


def recognition(lab: LabNode, tested_at: str) -> Recognition:
    status_then = lab.status_at(int(parse_instant(tested_at).timestamp() * 1000))
    flagged = status_then in ("SUSPENDED", "REVOKED")
    if flagged:
        return Recognition(False, True, f"issued while lab {lab.id} was {status_then}")
    if not lab.recognized:
        return Recognition(False, False, f"lab {lab.id} is not a recognised lab")
    if lab.status != "ACTIVE":
        return Recognition(False, False, f"lab {lab.id} is {lab.status}: its results no longer count")
    return Recognition(True, False, f"lab {lab.id} is recognised and active")
