"""assessSignal of contract/risk.graphql: the EU risk matrix cell by cell (row boundaries compared exactly), the
recall scope of a batch / product / enterprise subject (maxDepth 10), the wide/narrow spread at 20 consignees (and
a configured threshold), the grade rule, the rationale; signals reported through the import path; LAB_FAILURE
signals that FAIL reports of recognised ACTIVE labs raise by themselves, with the table per product category."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.imports import import_lines, report_signal
from graph.risk.assessment import RiskLevel, WarningGrade, assess, grade_for, risk_level
from graph.risk.signals import signals_by_id
from graph.settings import Settings
from seed.builders import lab, lab_report
from seed.builders import risk_signal as signal
from tests.conftest import BASE, batch, enterprise, load, ndjson, product, shipment

S, H, M, L = RiskLevel.SERIOUS, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

# The contract's matrix, copied by hand: (row bound, a probability exactly on it, one just below it, levels for
# severity 1..4). "Just below" a bound falls into the next row down (or below one in a million for the last).
MATRIX = (
    (Fraction(1, 2), 0.5, 0.4999999, (H, S, S, S)),
    (Fraction(1, 10), 0.1, 0.0999999, (M, S, S, S)),
    (Fraction(1, 100), 0.01, 0.0099999, (M, S, S, S)),
    (Fraction(1, 1000), 0.001, 0.00099999, (L, H, S, S)),
    (Fraction(1, 10_000), 0.0001, 0.000099999, (L, M, H, S)),
    (Fraction(1, 100_000), 0.00001, 0.0000099999, (L, L, M, H)),
    (Fraction(1, 1_000_000), 0.000001, 0.00000099999, (L, L, L, M)),
)
BELOW_ONE_IN_A_MILLION = (L, L, L, L)

# Every (severity, probability) with the cell and row it must land in.
ON_BOUNDARY = [
    pytest.param(sev, p, levels[sev - 1], row, id=f"sev{sev}-p{p!r}")
    for row, p, _, levels in MATRIX
    for sev in (1, 2, 3, 4)
]
JUST_BELOW = [
    pytest.param(
        sev,
        below,
        (MATRIX[i + 1][3] if i + 1 < len(MATRIX) else BELOW_ONE_IN_A_MILLION)[sev - 1],
        MATRIX[i + 1][0] if i + 1 < len(MATRIX) else None,
        id=f"sev{sev}-p{below!r}",
    )
    for i, (_, _, below, _) in enumerate(MATRIX)
    for sev in (1, 2, 3, 4)
]
# Inside a row (not on its bound) and at the extremes.
INSIDE = [
    pytest.param(sev, p, levels[sev - 1], row, id=f"sev{sev}-p{p!r}")
    for p, row, levels in (
        (1.0, Fraction(1, 2), (H, S, S, S)),
        (0.2, Fraction(1, 10), (M, S, S, S)),
        (0.05, Fraction(1, 100), (M, S, S, S)),
        (0.005, Fraction(1, 1000), (L, H, S, S)),
        (0.0005, Fraction(1, 10_000), (L, M, H, S)),
        (0.00005, Fraction(1, 100_000), (L, L, M, H)),
        (0.000005, Fraction(1, 1_000_000), (L, L, L, M)),
        (0.0000001, None, (L, L, L, L)),
        (1e-12, None, (L, L, L, L)),
    )
    for sev in (1, 2, 3, 4)
]


@pytest.mark.parametrize(("severity", "probability", "level", "row"), ON_BOUNDARY + JUST_BELOW + INSIDE)
def test_risk_matrix_cell(severity: int, probability: float, level: RiskLevel, row: Fraction | None) -> None:
    assert risk_level(severity, probability) == (level, row)


def test_one_in_a_million_is_on_the_last_row_although_the_float_is_below_it() -> None:
    # The binary float nearest to 1e-06 is 9.99999999999999954748e-07, just under 1/1000000: compared exactly
    # as the decimal the supplier sent, it is on the row.
    assert Fraction(1e-06) < Fraction(1, 1_000_000)
    assert risk_level(4, 1e-06) == (M, Fraction(1, 1_000_000))


# The grade rule, by hand: SERIOUS -> I wide / II narrow; HIGH -> II / III; MEDIUM -> III / IV; LOW -> IV / IV.
GRADE_RULE = [
    (S, True, WarningGrade.I),
    (S, False, WarningGrade.II),
    (H, True, WarningGrade.II),
    (H, False, WarningGrade.III),
    (M, True, WarningGrade.III),
    (M, False, WarningGrade.IV),
    (L, True, WarningGrade.IV),
    (L, False, WarningGrade.IV),
]


@pytest.mark.parametrize(("level", "wide", "grade"), GRADE_RULE)
def test_grade_rule_cell(level: RiskLevel, wide: bool, grade: WarningGrade) -> None:
    # Wide is consignees >= the threshold: 20 of 20 is wide, 19 is narrow; and with a threshold of 3, 3 and 2.
    assert grade_for(level, 20 if wide else 19, 20) == grade
    assert grade_for(level, 3 if wide else 2, 3) == grade


# --- signals and the graph ----------------------------------------------------------------------------------


def consignees(prefix: str, count: int) -> list[dict[str, Any]]:
    return [enterprise(f"{prefix}{i:02d}") for i in range(count)]


async def test_every_matrix_cell_through_assess(db: Graph) -> None:
    # One batch without shipments: narrow, so the grade only follows the level. Every boundary and just below it.
    cases = [(sev, p, levels[sev - 1]) for _, p, _, levels in MATRIX for sev in (1, 2, 3, 4)]
    cases += [
        (sev, below, (MATRIX[i + 1][3] if i + 1 < len(MATRIX) else BELOW_ONE_IN_A_MILLION)[sev - 1])
        for i, (_, _, below, _) in enumerate(MATRIX)
        for sev in (1, 2, 3, 4)
    ]
    cases += [(sev, 0.0000001, L) for sev in (1, 2, 3, 4)]
    narrow = {S: WarningGrade.II, H: WarningGrade.III, M: WarningGrade.IV, L: WarningGrade.IV}
    await load(db, *BASE, batch("B1"), *(signal(f"R{i}", {"batch": "B1"}, s, p) for i, (s, p, _) in enumerate(cases)))
    wrong = []
    for i, (sev, p, level) in enumerate(cases):
        a = await assess(db, f"R{i}")
        if (a.risk_level, a.grade) != (level, narrow[level]):
            wrong.append((sev, p, a.risk_level, a.grade, level))
    assert wrong == []


# A chain of 11 INPUT_TO hops: C00 -> C01 -> ... -> C11. Each Cii is shipped to consignee Kii.
CHAIN = (
    *BASE,
    *consignees("K", 12),
    batch("C00"),
    *(batch(f"C{i:02d}", [(f"C{i - 1:02d}", 1)]) for i in range(1, 12)),
    *(shipment(f"SC{i:02d}", f"C{i:02d}", f"K{i:02d}") for i in range(12)),
)


async def test_scope_of_a_batch_follows_the_recall_scope_to_depth_10(db: Graph) -> None:
    await load(db, *CHAIN, signal("R1", {"batch": "C00"}))
    a = await assess(db, "R1")
    # C00 (depth 0) .. C10 (depth 10) are in scope: 11 batches, reaching K00..K10: 11 consignees. C11 at 11 is out.
    assert (a.affected_batches, a.consignees) == (11, 11)


async def test_a_batch_beyond_depth_10_by_one_path_is_in_scope_by_a_shorter_one(db: Graph) -> None:
    # C11 is also made straight from C00: one hop by that path, so it is in scope (at its shortest depth).
    shortcut = batch("C11", [("C10", 1), ("C00", 1)])
    await load(db, *(r for r in CHAIN if r.get("id") != "C11"), shortcut, signal("R1", {"batch": "C00"}))
    a = await assess(db, "R1")
    # C00 .. C11: 12 batches; K00 .. K11: 12 consignees.
    assert (a.affected_batches, a.consignees) == (12, 12)


async def test_scope_of_a_batch_is_downstream_only(db: Graph) -> None:
    await load(db, *CHAIN, signal("R5", {"batch": "C05"}))
    a = await assess(db, "R5")
    # C05 .. C11: 7 batches, K05 .. K11: 7 consignees; C00 .. C04 upstream are not affected.
    assert (a.affected_batches, a.consignees) == (7, 7)


async def test_scope_of_a_product_is_every_batch_of_it_and_what_they_went_into(db: Graph) -> None:
    await load(
        db,
        *BASE,
        product("P2", category="TOY"),
        *consignees("K", 4),
        batch("X1", product="P2"),
        batch("X2", product="P2"),
        batch("Y1", [("X1", 5)]),  # a P1 batch made from X1: downstream
        batch("Z1"),  # a P1 batch unrelated to P2
        shipment("S1", "X1", "K00"),
        shipment("S2", "X2", "K01"),
        shipment("S3", "Y1", "K02"),
        shipment("S4", "Z1", "K03"),
        shipment("S5", "X2", "K00"),  # K00 again: one consignee
        signal("R1", {"product": "P2"}),
    )
    a = await assess(db, "R1")
    # X1, X2 and Y1: 3 batches; K00, K01, K02: 3 consignees (Z1 and K03 are out).
    assert (a.affected_batches, a.consignees) == (3, 3)


async def test_scope_of_an_enterprise_is_every_batch_it_produced_and_what_they_went_into(db: Graph) -> None:
    await load(
        db,
        *BASE,
        enterprise("M2"),
        *consignees("K", 4),
        batch("A1", producer="M2"),
        batch("A2", producer="M2"),
        batch("D1", [("A2", 1)]),  # made by M from A2: downstream of M2's batch
        batch("O1"),  # M's own batch, nothing to do with M2
        shipment("S1", "A1", "K00", from_="M2"),
        shipment("S2", "D1", "K01"),
        shipment("S3", "O1", "K02"),
        shipment("S4", "O1", "K03"),
        signal("R1", {"enterprise": "M2"}),
    )
    a = await assess(db, "R1")
    # A1, A2, D1: 3 batches; K00 (A1) and K01 (D1): 2 consignees.
    assert (a.affected_batches, a.consignees) == (3, 2)


async def test_scope_without_shipments_has_no_consignees(db: Graph) -> None:
    await load(db, *BASE, batch("B1"), signal("R1", {"batch": "B1"}))
    a = await assess(db, "R1")
    assert (a.affected_batches, a.consignees) == (1, 0)


async def test_scope_of_a_product_or_enterprise_without_batches_is_empty(db: Graph) -> None:
    await load(
        db,
        *BASE,
        product("P-NONE"),
        enterprise("SHOP"),
        signal("RP", {"product": "P-NONE"}, 4, 0.5),
        signal("RE", {"enterprise": "SHOP"}, 4, 0.5),
    )
    for signal_id in ("RP", "RE"):
        a = await assess(db, signal_id)
        # Nothing affected, nobody reached: SERIOUS with a narrow spread -> II.
        assert (a.affected_batches, a.consignees, a.risk_level, a.grade) == (0, 0, S, WarningGrade.II)


# One signal per level: (severity, probability) -> level, by the matrix above.
ONE_PER_LEVEL = {S: (4, 0.5), H: (1, 0.5), M: (1, 0.1), L: (1, 0.001)}


async def test_19_consignees_are_narrow_and_20_are_wide(db: Graph) -> None:
    await load(
        db,
        *BASE,
        *consignees("K", 20),
        batch("N19"),
        batch("W20"),
        # N19 reaches K00..K18 (19), K00 twice: still 19 distinct consignees; W20 reaches K00..K19 (20).
        *(shipment(f"SN{i:02d}", "N19", f"K{i:02d}") for i in range(19)),
        shipment("SN-AGAIN", "N19", "K00", shipped_at="2026-03-06"),
        *(shipment(f"SW{i:02d}", "W20", f"K{i:02d}") for i in range(20)),
        *(signal(f"N-{lv.value}", {"batch": "N19"}, *sp) for lv, sp in ONE_PER_LEVEL.items()),
        *(signal(f"W-{lv.value}", {"batch": "W20"}, *sp) for lv, sp in ONE_PER_LEVEL.items()),
    )
    narrow = {lv: await assess(db, f"N-{lv.value}") for lv in ONE_PER_LEVEL}
    wide = {lv: await assess(db, f"W-{lv.value}") for lv in ONE_PER_LEVEL}
    assert {a.consignees for a in narrow.values()} == {19}
    assert {a.consignees for a in wide.values()} == {20}
    assert {lv: a.risk_level for lv, a in narrow.items()} == {S: S, H: H, M: M, L: L}
    assert {lv: a.grade.value for lv, a in narrow.items()} == {S: "II", H: "III", M: "IV", L: "IV"}
    assert {lv: a.grade.value for lv, a in wide.items()} == {S: "I", H: "II", M: "III", L: "IV"}
    assert "narrow" in narrow[S].rationale and "wide" in wide[S].rationale


async def test_a_configured_wide_threshold_moves_the_boundary(db: Graph, settings: Settings) -> None:
    custom = Graph(db.driver, Settings(**{**settings.model_dump(), "risk_wide_consignees": 3}))
    await load(
        db,
        *BASE,
        *consignees("K", 3),
        batch("B2"),
        batch("B3"),
        *(shipment(f"S2{i}", "B2", f"K{i:02d}") for i in range(2)),
        *(shipment(f"S3{i}", "B3", f"K{i:02d}") for i in range(3)),
        signal("R2", {"batch": "B2"}, 4, 0.5),  # SERIOUS, 2 consignees
        signal("R3", {"batch": "B3"}, 4, 0.5),  # SERIOUS, 3 consignees
    )
    two, three = await assess(custom, "R2"), await assess(custom, "R3")
    assert (two.consignees, two.grade) == (2, WarningGrade.II)  # narrow below 3
    assert (three.consignees, three.grade) == (3, WarningGrade.I)  # wide from 3
    assert "3" in three.rationale and "wide" in three.rationale
    # The default threshold (20) calls both narrow.
    assert (await assess(db, "R3")).grade == WarningGrade.II


async def test_rationale_names_every_input_and_the_conclusion(db: Graph) -> None:
    await load(db, *CHAIN, signal("SIG-77", {"batch": "C00"}, 3, 0.2, "INJURY_REPORT", "PHYSICAL"))
    a = await assess(db, "SIG-77")
    # Severity 3 at 0.2 (row 1/10): SERIOUS; 11 batches reaching 11 consignees: narrow -> grade II, orange.
    assert (a.risk_level, a.affected_batches, a.consignees, a.grade) == (S, 11, 11, WarningGrade.II)
    for words in ("SIG-77", "INJURY_REPORT", "PHYSICAL", "C00", "2026-03-09", "0.2", "1/10", "SERIOUS", "II"):
        assert words in a.rationale, words
    assert "11 batch" in a.rationale and "11 consignee" in a.rationale
    assert "narrow" in a.rationale and "orange" in a.rationale and "20" in a.rationale
    assert "3" in a.rationale and "10" in a.rationale  # the severity and the scope depth


async def test_assessing_an_unknown_signal_is_not_found(db: Graph) -> None:
    with pytest.raises(NotFound) as err:
        await assess(db, "NO-SUCH-SIGNAL")
    assert err.value.ident == "NO-SUCH-SIGNAL"
    assert err.value.argument == "signalId"


# --- reportSignal: the import path --------------------------------------------------------------------------


async def test_report_signal_stores_the_signal_through_the_import_path(db: Graph) -> None:
    await load(db, *BASE, batch("B1"))
    record = {k: v for k, v in signal("R1", {"batch": "B1"}, 2, 0.001, description="rash").items() if k != "type"}
    stored = await report_signal(db, record)
    assert (stored.id, stored.source, stored.hazard, stored.severity, stored.probability) == (
        "R1",
        "CONSUMER_COMPLAINT",
        "BIOLOGICAL",
        2,
        0.001,
    )
    assert (stored.subject_kind, stored.subject_id, stored.description) == ("batch", "B1", "rash")
    again = await report_signal(db, record)  # idempotent: the same signal, still one node
    assert again == stored
    assert len(await signal_nodes(db)) == 1


async def test_report_signal_refuses_an_unknown_subject_and_writes_nothing(db: Graph) -> None:
    await load(db, *BASE, batch("B1"))
    record = {k: v for k, v in signal("R1", {"batch": "NOPE"}).items() if k != "type"}
    with pytest.raises(BadInput) as err:
        await report_signal(db, record)
    assert err.value.argument.startswith("input.subject")
    assert await signal_nodes(db) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": 5}, "input.severity"),
        ({"severity": 0}, "input.severity"),
        ({"probability": 0}, "input.probability"),
        ({"probability": 1.5}, "input.probability"),
        ({"subject": {"batch": "B1", "product": "P1"}}, "input.subject"),
    ],
)
async def test_report_signal_refuses_values_outside_the_contract(db: Graph, change: dict, field: str) -> None:
    await load(db, *BASE, batch("B1"))
    record = {k: v for k, v in signal("R1", {"batch": "B1"}).items() if k != "type"} | change
    with pytest.raises(BadInput) as err:
        await report_signal(db, record)
    assert err.value.argument.startswith(field)
    assert await signal_nodes(db) == []


# --- LAB_FAILURE ----------------------------------------------------------------------------------------------


async def signal_nodes(db: Graph) -> list[dict[str, Any]]:
    return [r["props"] for r in await db.read("testing/all_nodes") if "RiskSignal" in r["labels"]]


# The README's table (the defaults of Settings.lab_failure_risk), by hand, with the level the matrix gives and the
# grade a narrow scope (no shipments) calls for: SERIOUS -> II, HIGH -> III, MEDIUM -> IV.
LAB_FAILURE_TABLE = {
    "FOOD": (3, 0.01, "BIOLOGICAL", S, "II"),
    "FOOD_CONTACT": (2, 0.001, "CHEMICAL", H, "III"),
    "COSMETICS": (2, 0.001, "CHEMICAL", H, "III"),
    "TOY": (3, 0.001, "CHEMICAL", S, "II"),
    "CHILDREN_PRODUCT": (3, 0.001, "PHYSICAL", S, "II"),
    "INFANT_CLOTHING": (2, 0.001, "CHEMICAL", H, "III"),
    "FUNCTIONAL_CLOTHING": (2, 0.0001, "PHYSICAL", M, "IV"),
    "ELECTRICAL": (4, 0.0001, "PHYSICAL", S, "II"),
    "AUTO": (4, 0.00001, "PHYSICAL", H, "III"),
    "AUTO_PART": (4, 0.0001, "PHYSICAL", S, "II"),
    "NON_ROAD_MACHINERY": (3, 0.0001, "ENVIRONMENTAL", H, "III"),
    "OTHER": (2, 0.001, "HEALTH", H, "III"),
}


async def test_a_fail_report_raises_one_lab_failure_signal_on_its_batch(db: Graph) -> None:
    await load(db, *BASE, batch("B1"), batch("B2"), lab(), lab_report("T1", "B1", "FAIL"), lab_report("T2", "B2"))
    found = await signal_nodes(db)
    assert len(found) == 1
    s = found[0]
    # FOOD: severity 3, probability 1/100, BIOLOGICAL; received when tested.
    assert (s["source"], s["severity"], s["probability"], s["hazard"]) == ("LAB_FAILURE", 3, 0.01, "BIOLOGICAL")
    assert (s["subjectKind"], s["subjectId"], s["reportId"], s["receivedAt"]) == ("batch", "B1", "T1", "2026-03-04")
    assert [(out, other) for out, other, _ in await about(db, s["id"])] == [(True, "B1")]
    a = await assess(db, s["id"])
    assert (a.risk_level, a.grade) == (S, WarningGrade.II)  # SERIOUS, no consignees: narrow


async def about(db: Graph, signal_id: str) -> list[tuple[bool, str, dict]]:
    rows = await db.read("testing/relationships_of", id=signal_id)
    return [(r["outgoing"], r["other"], r["props"]) for r in rows if r["type"] == "ABOUT"]


async def test_lab_failure_values_follow_the_table_for_every_category(db: Graph) -> None:
    records: list[dict[str, Any]] = [*BASE, lab()]
    for category in LAB_FAILURE_TABLE:
        records += [product(f"P-{category}", category=category), batch(f"B-{category}", product=f"P-{category}")]
        records.append(lab_report(f"T-{category}", f"B-{category}", "FAIL"))
    await load(db, *records)
    by_batch = {s["subjectId"]: s for s in await signal_nodes(db)}
    assert len(by_batch) == len(LAB_FAILURE_TABLE)
    for category, (sev, p, hazard, level, grade) in LAB_FAILURE_TABLE.items():
        s = by_batch[f"B-{category}"]
        assert (s["source"], s["severity"], s["probability"], s["hazard"]) == ("LAB_FAILURE", sev, p, hazard), category
        a = await assess(db, s["id"])
        assert (a.risk_level, a.grade.value) == (level, grade), category


async def test_a_configured_table_sets_the_lab_failure_values(db: Graph, settings: Settings) -> None:
    table = {"TOY": {"severity": 1, "probability": 0.5, "hazard": "PHYSICAL"}}
    custom = Graph(db.driver, Settings(**{**settings.model_dump(), "lab_failure_risk": table}))
    records = (
        *BASE,
        product("P-TOY", category="TOY"),
        batch("B-TOY", product="P-TOY"),
        batch("B-FOOD"),
        lab(),
        lab_report("T-TOY", "B-TOY", "FAIL"),
        lab_report("T-FOOD", "B-FOOD", "FAIL"),
    )
    assert (await import_lines(custom, ndjson(*records))).ok
    by_batch = {s["subjectId"]: s for s in await signal_nodes(db)}
    # TOY from the configured table; FOOD, left out of it, keeps its default (3, 1/100, BIOLOGICAL).
    assert (by_batch["B-TOY"]["severity"], by_batch["B-TOY"]["probability"], by_batch["B-TOY"]["hazard"]) == (
        1,
        0.5,
        "PHYSICAL",
    )
    assert (by_batch["B-FOOD"]["severity"], by_batch["B-FOOD"]["probability"], by_batch["B-FOOD"]["hazard"]) == (
        3,
        0.01,
        "BIOLOGICAL",
    )
    a = await assess(custom, by_batch["B-TOY"]["id"])
    assert a.risk_level == H  # severity 1 at 1/2: HIGH


async def test_reimporting_a_fail_report_raises_nothing_new(db: Graph) -> None:
    records = (*BASE, batch("B1"), lab(), lab_report("T1", "B1", "FAIL"))
    await load(db, *records)
    first = await signal_nodes(db)
    await load(db, *records)
    await load(db, lab_report("T1", "B1", "FAIL"))  # the report alone, again
    assert await signal_nodes(db) == first
    assert len(await about(db, first[0]["id"])) == 1


async def test_two_fail_reports_on_a_batch_raise_one_signal_each(db: Graph) -> None:
    await load(
        db,
        *BASE,
        batch("B1"),
        lab(),
        lab_report("T1", "B1", "FAIL"),
        lab_report("T2", "B1", "FAIL", tested_at="2026-03-05"),
    )
    found = sorted((s["reportId"], s["subjectId"]) for s in await signal_nodes(db))
    assert found == [("T1", "B1"), ("T2", "B1")]


@pytest.mark.parametrize(
    ("the_lab", "result"),
    [
        pytest.param(lab(), "PASS", id="pass-report"),
        pytest.param(lab(recognized=False), "FAIL", id="unrecognised-lab"),
        pytest.param(lab(status="SUSPENDED"), "FAIL", id="suspended-lab"),
        pytest.param(lab(status="REVOKED"), "FAIL", id="revoked-lab"),
    ],
)
async def test_no_lab_failure_signal(db: Graph, the_lab: dict[str, Any], result: str) -> None:
    await load(db, *BASE, batch("B1"), the_lab, lab_report("T1", "B1", result))
    assert await signal_nodes(db) == []


async def test_a_lab_that_is_not_recognised_in_the_same_import_raises_nothing(db: Graph) -> None:
    # The lab is recognised in the graph, but the import that brings the FAIL report also withdraws recognition:
    # the report is judged against the lab as this import leaves it.
    await load(db, *BASE, batch("B1"), lab())
    await load(db, lab(recognized=False), lab_report("T1", "B1", "FAIL"))
    assert await signal_nodes(db) == []


async def test_a_fail_report_issued_while_the_lab_was_suspended_raises_nothing(db: Graph) -> None:
    await load(db, *BASE, batch("B1"), lab(status="SUSPENDED", statusSince="2026-03-01"))
    await load(db, lab(status="ACTIVE", statusSince="2026-03-20"))
    await load(db, lab_report("T1", "B1", "FAIL", tested_at="2026-03-10"))  # tested during the suspension
    assert await signal_nodes(db) == []


async def test_a_corrected_fail_report_leaves_its_signal_about_one_batch(db: Graph) -> None:
    await load(db, *BASE, batch("B1"), batch("B2"), lab(), lab_report("T1", "B1", "FAIL"))
    await load(db, lab_report("T1", "B2", "FAIL"))  # the lab corrects the batch it tested
    (s,) = await signal_nodes(db)
    assert [other for _, other, _ in await about(db, s["id"])] == [s["subjectId"]]


async def test_lab_failure_signals_are_found_by_id(db: Graph) -> None:
    await load(db, *BASE, batch("B1"), lab(), lab_report("T1", "B1", "FAIL"))
    (s,) = await signal_nodes(db)
    found, missing = await signals_by_id(db, [s["id"], "NOPE"])
    assert missing is None
    assert found is not None and (found.source, found.report_id, found.subject_id) == ("LAB_FAILURE", "T1", "B1")
