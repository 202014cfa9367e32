"""assessSignal (contract/risk.graphql): the EU product-safety risk matrix, the scope of the signal's subject,
and the warning grade they call for, with a rationale a regulator can sign."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

from graph.db import Graph
from graph.errors import NotFound
from graph.read_model import read_model
from graph.risk.signals import Signal, signals_by_id


class RiskLevel(StrEnum):
    SERIOUS = "SERIOUS"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class WarningGrade(StrEnum):
    """I is the most severe."""

    I = "I"  # noqa: E741 - the grades are Roman numerals
    II = "II"
    III = "III"
    IV = "IV"


COLOURS = {WarningGrade.I: "red", WarningGrade.II: "orange", WarningGrade.III: "yellow", WarningGrade.IV: "blue"}
SCOPE_DEPTH = 10  # the contract's recall-scope depth, of an assessment and of a recall

S, H, M, L = RiskLevel.SERIOUS, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW
# Rows: probability of harm at least this; columns: severity 1..4. Below the last row everything is LOW.
RISK_MATRIX: tuple[tuple[Fraction, tuple[RiskLevel, RiskLevel, RiskLevel, RiskLevel]], ...] = (
    (Fraction(1, 2), (H, S, S, S)),
    (Fraction(1, 10), (M, S, S, S)),
    (Fraction(1, 100), (M, S, S, S)),
    (Fraction(1, 1000), (L, H, S, S)),
    (Fraction(1, 10_000), (L, M, H, S)),
    (Fraction(1, 100_000), (L, L, M, H)),
    (Fraction(1, 1_000_000), (L, L, L, M)),
)
# (grade when wide, grade when narrow)
GRADE_RULE = {
    RiskLevel.SERIOUS: (WarningGrade.I, WarningGrade.II),
    RiskLevel.HIGH: (WarningGrade.II, WarningGrade.III),
    RiskLevel.MEDIUM: (WarningGrade.III, WarningGrade.IV),
    RiskLevel.LOW: (WarningGrade.IV, WarningGrade.IV),
}


def risk_level(severity: int, probability: float) -> tuple[RiskLevel, Fraction | None]:
    """The matrix cell, and the probability row it fell in (None: below one in a million)."""
    exact = Fraction(repr(probability))  # 0.1 is one in ten here, not the binary float nearest to it
    for at_least, levels in RISK_MATRIX:
        if exact >= at_least:
            return levels[severity - 1], at_least
    return RiskLevel.LOW, None


def grade_for(level: RiskLevel, consignees: int, wide_from: int) -> WarningGrade:
    wide, narrow = GRADE_RULE[level]
    return wide if consignees >= wide_from else narrow


def most_severe(grades: list[WarningGrade]) -> WarningGrade:
    return min(grades, key=list(WarningGrade).index)


@read_model
class Assessment:
    signal: Signal
    risk_level: RiskLevel
    affected_batches: int
    consignees: int
    grade: WarningGrade
    rationale: str


async def assess(graph: Graph, signal_id: str) -> Assessment:
    signal = (await signals_by_id(graph, [signal_id]))[0]
    if signal is None:
        raise NotFound("risk signal", signal_id, "signalId")
    return await assess_signal(graph, signal)


async def assess_signal(graph: Graph, signal: Signal) -> Assessment:
    level, row = risk_level(signal.severity, signal.probability)
    scope = (
        await graph.read(
            "risk/subject_scope", subjectKind=signal.subject_kind, subjectId=signal.subject_id, maxDepth=SCOPE_DEPTH
        )
    )[0]
    affected, consignees = scope["affectedBatches"], scope["consignees"]
    wide_from = graph.settings.risk_wide_consignees
    grade = grade_for(level, consignees, wide_from)
    wide = consignees >= wide_from
    row_text = f"at least 1/{row.denominator}" if row is not None else "below 1/1000000"
    rationale = (
        f"Signal {signal.id} ({signal.source}, {signal.hazard} hazard, received {signal.received_at}) concerns "
        f"{signal.subject_kind} {signal.subject_id}. Severity {signal.severity} of 4 with a probability of harm of "
        f"{signal.probability} ({row_text}) is a {level.value} risk on the EU product-safety risk matrix. "
        f"The recall scope of its batches within {SCOPE_DEPTH} processing steps holds {affected} batch(es) that "
        f"reached {consignees} consignee(s): the spread is {'wide' if wide else 'narrow'} (wide from {wide_from}). "
        f"A {level.value} risk with a {'wide' if wide else 'narrow'} spread calls for warning grade {grade.value} "
        f"({COLOURS[grade]})."
    )
    return Assessment(
        signal=signal,
        risk_level=level,
        affected_batches=affected,
        consignees=consignees,
        grade=grade,
        rationale=rationale,
    )
