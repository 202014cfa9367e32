"""Differentiated supervision: the inspection rate follows the credit grade (Settings.inspection_rates) and is
raised for enterprises that blacklist contagion puts under raised inspection or a downgrade review. Lab
recognition: a report counts only while its lab is recognised and ACTIVE, and never when it was issued while
the lab was suspended or revoked (which flags it), using the lab's status history."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import ValidationError

from graph.credit import lift_listing
from graph.db import Graph, open_driver
from graph.lookup import labs, now_ms
from graph.records import CreditGrade
from graph.settings import Settings
from graph.supervision import InspectionPlan, inspection_plans, recognition
from seed.builders import blacklist, lab, lab_report, link
from tests.conftest import BASE, batch, enterprise, load, shipment

GRADES = ["ADVANCED_CERTIFIED", "CERTIFIED", "REGULAR", "DISHONEST", "SERIOUSLY_DISHONEST"]


def graded() -> tuple[dict[str, Any], ...]:
    """One enterprise per declared grade, G_<grade>, with no ties to anyone."""
    return tuple(enterprise(f"G_{g}", creditGrade=g) for g in GRADES)


def exposed(a_grade: str = "REGULAR") -> tuple[dict[str, Any], ...]:
    """X is blacklisted (hand-computed scores, X the only source):
    A  X holds 0.6 of A: CONTROL                      0.8            -> DOWNGRADE_REVIEW
    B  X shipped a lot to B: TRADE                     0.3            -> RAISED_INSPECTION (at the threshold)
    D  A holds 0.3 of D: CONTROL then SHAREHOLDING     0.8*0.5 = 0.4  -> RAISED_INSPECTION
    C  X holds 0.1 of C: MINOR_SHARE                   0.2            -> INFORMATION
    H  D holds 0.6 of H: X-A-D then CONTROL         0.4*0.8 = 0.32 -> RAISED_INSPECTION (3 hops)
    G  C holds 0.6 of G: MINOR_SHARE then CONTROL       0.2*0.8 = 0.16 -> INFORMATION
    """
    return (
        *BASE,
        enterprise("X"),
        enterprise("A", creditGrade=a_grade),
        enterprise("B"),
        enterprise("C"),
        enterprise("D"),
        enterprise("G"),
        enterprise("H"),
        batch("B1"),
        shipment("S1", "B1", "B", from_="X"),
        link("SHAREHOLDER", "X", "A", 0.6),
        link("SHAREHOLDER", "A", "D", 0.3),
        link("SHAREHOLDER", "D", "H", 0.6),
        link("SHAREHOLDER", "X", "C", 0.1),
        link("SHAREHOLDER", "C", "G", 0.6),
        blacklist("K1", "X"),
    )


async def plans(graph: Graph, *ids: str) -> dict[str, InspectionPlan]:
    found = await inspection_plans(graph, ids)
    return {i: p for i, p in zip(ids, found, strict=True) if p is not None}


def with_table(settings: Settings, **overrides: Any) -> Settings:
    return Settings(**{**settings.model_dump(), **overrides})


@pytest.fixture
async def custom_graph(db: Graph, settings: Settings) -> AsyncIterator[Graph]:
    """The same (emptied) database, seen through settings with another inspection table."""
    custom = with_table(
        settings,
        inspection_rates={
            "ADVANCED_CERTIFIED": 0.1,
            "CERTIFIED": 0.15,
            "REGULAR": 0.25,
            "DISHONEST": 0.6,
            "SERIOUSLY_DISHONEST": 0.9,
        },
        inspection_raised_rate=0.5,
    )
    g = Graph(open_driver(custom), custom)
    yield g
    await g.close()


# --- rates by credit grade -----------------------------------------------------------------------------------------


async def test_the_default_table_inspects_by_grade_as_the_customs_credit_rules_say(db):
    await load(db, *graded())
    found = await plans(db, *(f"G_{g}" for g in GRADES))
    rate = {g: found[f"G_{g}"].rate for g in GRADES}
    assert {g: found[f"G_{g}"].grade.value for g in GRADES} == {g: g for g in GRADES}
    regular = rate["REGULAR"]
    assert 0 < rate["ADVANCED_CERTIFIED"] < 0.2 * regular
    assert rate["ADVANCED_CERTIFIED"] < rate["CERTIFIED"] < regular
    assert rate["DISHONEST"] >= 0.8
    assert rate["SERIOUSLY_DISHONEST"] == 1.0
    for g in GRADES:
        plan = found[f"G_{g}"]
        assert plan.base_rate == regular
        assert [r.kind for r in plan.reasons] == ["CREDIT_GRADE"]  # nobody is blacklisted: no contagion
        assert plan.reasons[0].rate == plan.rate
        assert g in plan.reasons[0].detail
        assert plan.exposure is None


async def test_a_custom_table_sets_the_rate_of_each_grade(custom_graph, db):
    await load(db, *graded())
    found = await plans(custom_graph, *(f"G_{g}" for g in GRADES))
    assert {g: found[f"G_{g}"].rate for g in GRADES} == {
        "ADVANCED_CERTIFIED": 0.1,
        "CERTIFIED": 0.15,
        "REGULAR": 0.25,
        "DISHONEST": 0.6,
        "SERIOUSLY_DISHONEST": 0.9,
    }
    assert {found[f"G_{g}"].base_rate for g in GRADES} == {0.25}


async def test_a_custom_raised_rate_applies_to_exposed_enterprises_and_never_lowers_a_rate(custom_graph, db):
    await load(db, *exposed(), enterprise("Z", creditGrade="SERIOUSLY_DISHONEST"), link("SHAREHOLDER", "X", "Z", 0.3))
    found = await plans(custom_graph, "A", "B", "C", "X", "Z")
    # A (0.8) and B (0.3) are raised from REGULAR's 0.25 to the custom 0.5; C (0.2) is not.
    assert (found["A"].rate, found["B"].rate, found["C"].rate) == (0.5, 0.5, 0.25)
    # X, the listed source, is DISHONEST: 0.6, not exposed to itself
    assert found["X"].rate == 0.6
    assert [r.kind for r in found["X"].reasons] == ["CREDIT_GRADE"]
    # Z: SHAREHOLDING 0.5 -> raised inspection, but SERIOUSLY_DISHONEST's 0.9 is higher and stays
    assert found["Z"].rate == 0.9
    assert [(r.kind, r.rate) for r in found["Z"].reasons] == [("CREDIT_GRADE", 0.9), ("CONTAGION", 0.5)]


async def test_the_rate_follows_the_effective_grade_after_a_listing(db):
    await load(db, enterprise("Q", creditGrade="CERTIFIED"))
    before = (await plans(db, "Q"))["Q"]
    await load(db, blacklist("K9", "Q"))
    after = (await plans(db, "Q"))["Q"]
    assert (before.grade, after.grade) == (CreditGrade.CERTIFIED, CreditGrade.DISHONEST)
    assert after.rate >= 0.8 > before.rate


async def test_an_unknown_enterprise_has_no_plan(db):
    await load(db, enterprise("Q"))
    found = await inspection_plans(db, ["NOPE", "Q"])
    assert found[0] is None
    assert found[1] is not None and found[1].enterprise_id == "Q"


# --- invalid tables ------------------------------------------------------------------------------------------------

VALID = {"ADVANCED_CERTIFIED": 0.01, "CERTIFIED": 0.02, "REGULAR": 0.05, "DISHONEST": 0.8, "SERIOUSLY_DISHONEST": 1.0}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({k: v for k, v in VALID.items() if k != "SERIOUSLY_DISHONEST"}, r"missing SERIOUSLY_DISHONEST"),
        ({k: v for k, v in VALID.items() if k not in ("CERTIFIED", "DISHONEST")}, r"missing CERTIFIED, DISHONEST"),
        ({**VALID, "SERIOUSLY_DISHONEST": 1.5}, r"0\.\.1.*SERIOUSLY_DISHONEST"),
        ({**VALID, "ADVANCED_CERTIFIED": -0.01}, r"0\.\.1.*ADVANCED_CERTIFIED"),
        ({**VALID, "DISHONEST": 0.04}, r"worse credit grade must not have a lower inspection rate"),
        ({**VALID, "ADVANCED_CERTIFIED": 0.03}, r"worse credit grade must not have a lower inspection rate"),
    ],
    ids=["missing-one", "missing-two", "above-1", "negative", "dishonest-below-regular", "certified-below-advanced"],
)
def test_an_invalid_inspection_table_is_refused_naming_the_problem(table, message):
    with pytest.raises(ValidationError, match=message):
        Settings(inspection_rates=table)


def test_an_unknown_grade_in_the_table_is_refused():
    with pytest.raises(ValidationError, match="inspection_rates"):
        Settings(inspection_rates={**VALID, "EXCELLENT": 0.0})


def test_equal_rates_for_neighbouring_grades_are_allowed():
    table = {**VALID, "CERTIFIED": 0.01}  # as low as ADVANCED_CERTIFIED: never lower
    assert Settings(inspection_rates=table).inspection_rates[CreditGrade.CERTIFIED] == 0.01


def test_the_table_is_read_from_the_environment_as_json(monkeypatch):
    table = {**VALID, "REGULAR": 0.1}
    monkeypatch.setenv("INSPECTION_RATES", json.dumps(table))
    assert Settings().inspection_rates[CreditGrade.REGULAR] == 0.1
    monkeypatch.setenv("INSPECTION_RATES", json.dumps({**VALID, "DISHONEST": 2}))
    with pytest.raises(ValidationError, match=r"0\.\.1.*DISHONEST"):
        Settings()


# --- contagion raises the rate -------------------------------------------------------------------------------------


async def test_raised_inspection_exposure_raises_the_rate_with_a_contagion_reason(db):
    await load(db, *exposed())
    found = await plans(db, "B", "D", "H")
    for id, score in (("B", 0.3), ("D", 0.4), ("H", 0.32)):
        plan = found[id]
        assert plan.grade == CreditGrade.REGULAR
        assert plan.rate == 0.3  # the default raised rate beats REGULAR's base rate
        assert [r.kind for r in plan.reasons] == ["CREDIT_GRADE", "CONTAGION"]
        contagion_reason = plan.reasons[1]
        assert contagion_reason.rate == 0.3
        assert "X" in contagion_reason.detail
        assert "RAISED_INSPECTION" in contagion_reason.detail
        assert plan.exposure is not None
        assert (plan.exposure.score, plan.exposure.action.value) == (score, "RAISED_INSPECTION")


async def test_a_downgrade_review_exposure_raises_the_rate_too(db):
    await load(db, *exposed())
    plan = (await plans(db, "A"))["A"]
    assert plan.rate == 0.3
    assert [(r.kind, r.rate) for r in plan.reasons][1] == ("CONTAGION", 0.3)
    assert "DOWNGRADE_REVIEW" in plan.reasons[1].detail
    assert plan.exposure is not None and plan.exposure.score == 0.8


async def test_no_contagion_reason_below_0_3(db):
    await load(db, *exposed())
    found = await plans(db, "C", "G")
    regular = (await plans(db, "D"))["D"].base_rate
    for id in ("C", "G"):  # 0.2 and 0.16: information only
        assert [r.kind for r in found[id].reasons] == ["CREDIT_GRADE"]
        assert found[id].rate == regular


async def test_a_certified_enterprise_is_raised_like_any_other_when_exposed(db):
    await load(db, *exposed(a_grade="ADVANCED_CERTIFIED"))
    plan = (await plans(db, "A"))["A"]
    assert plan.grade == CreditGrade.ADVANCED_CERTIFIED
    assert plan.rate == 0.3
    assert plan.reasons[0].rate < 0.3


async def test_lifting_the_listing_ends_the_raised_rate(db):
    await load(db, *exposed())
    assert (await plans(db, "B"))["B"].rate == 0.3
    await lift_listing(db, "K1", "listing annulled on appeal", "officer-1")
    plan = (await plans(db, "B"))["B"]
    assert [r.kind for r in plan.reasons] == ["CREDIT_GRADE"]
    assert plan.rate == plan.base_rate


# --- lab recognition -----------------------------------------------------------------------------------------------


# Reports by test date, around a suspension on 2026-03-10 and a reinstatement on 2026-03-20.
BEFORE, DURING, AFTER = "2026-03-04", "2026-03-12", "2026-03-25"
REPORTS = (
    lab_report("T-BEFORE", tested_at=BEFORE),
    lab_report("T-DURING", tested_at=DURING),
    lab_report("T-AFTER", tested_at=AFTER),
)


async def recognised(db: Graph) -> dict[str, tuple[bool, bool]]:
    """(recognised, issuedWhileSuspended) of each report in REPORTS, from the lab as stored now."""
    (node,) = await labs(db, ["L1"])
    assert node is not None
    out = {}
    for r in REPORTS:
        verdict = recognition(node, r["testedAt"])
        out[r["id"]] = (verdict.recognised, verdict.issued_while_suspended)
    return out


async def history(db: Graph) -> list[str]:
    (node,) = await labs(db, ["L1"])
    assert node is not None
    return [status for status, _ in node.history]


async def test_a_recognised_active_labs_reports_count(db):
    await load(db, *BASE, batch("B1"), lab(), *REPORTS)
    assert await recognised(db) == {"T-BEFORE": (True, False), "T-DURING": (True, False), "T-AFTER": (True, False)}
    (node,) = await labs(db, ["L1"])
    assert "recognised and active" in recognition(node, BEFORE).reason


async def test_an_unrecognised_labs_reports_do_not_count(db):
    await load(db, *BASE, batch("B1"), lab(recognized=False), *REPORTS)
    assert await recognised(db) == {
        "T-BEFORE": (False, False),
        "T-DURING": (False, False),
        "T-AFTER": (False, False),
    }
    (node,) = await labs(db, ["L1"])
    assert "not a recognised lab" in recognition(node, BEFORE).reason


@pytest.mark.parametrize("status", ["SUSPENDED", "REVOKED"])
async def test_reports_issued_after_the_lab_was_suspended_are_flagged_earlier_ones_are_not(db, status):
    await load(db, *BASE, batch("B1"), lab(status=status, statusSince="2026-03-10"), *REPORTS)
    # nothing counts while the lab is not ACTIVE; only reports tested on or after 2026-03-10 are flagged
    assert await recognised(db) == {
        "T-BEFORE": (False, False),
        "T-DURING": (False, True),
        "T-AFTER": (False, True),
    }
    (node,) = await labs(db, ["L1"])
    assert status in recognition(node, DURING).reason
    assert recognition(node, "2026-03-10").issued_while_suspended  # the day it took effect (midnight UTC)
    assert recognition(node, "2026-03-10T07:59:59+08:00").issued_while_suspended is False  # 23:59:59 UTC, 9 March


@pytest.mark.parametrize("status", ["SUSPENDED", "REVOKED"])
async def test_after_reinstatement_earlier_unflagged_reports_count_again_and_flagged_ones_never(db, status):
    await load(db, *BASE, batch("B1"), lab(status=status, statusSince="2026-03-10"), *REPORTS)
    await load(db, lab(status="ACTIVE", statusSince="2026-03-20"))
    # BEFORE: the lab had no recorded status yet and is ACTIVE now -> counts again
    # DURING: the lab was suspended/revoked on 2026-03-12 -> flagged, never counts
    # AFTER: the lab was ACTIVE again on 2026-03-25 -> counts
    assert await recognised(db) == {
        "T-BEFORE": (True, False),
        "T-DURING": (False, True),
        "T-AFTER": (True, False),
    }
    assert await history(db) == [status, "ACTIVE"]


async def test_reinstatement_without_a_date_takes_effect_at_import_time(db):
    await load(db, *BASE, batch("B1"), lab(status="SUSPENDED", statusSince="2026-03-10"), *REPORTS)
    start = now_ms()
    await load(db, lab(status="ACTIVE"))
    end = now_ms()
    (node,) = await labs(db, ["L1"])
    assert node.history[0] == ("SUSPENDED", 1773100800000)  # 2026-03-10T00:00:00Z
    assert node.history[1][0] == "ACTIVE"
    assert start <= node.history[1][1] <= end
    # AFTER (2026-03-25) was tested while the lab was still suspended: it was reinstated only now
    assert await recognised(db) == {
        "T-BEFORE": (True, False),
        "T-DURING": (False, True),
        "T-AFTER": (False, True),
    }


async def test_a_lab_active_at_first_then_suspended_flags_only_reports_from_the_suspension(db):
    await load(db, *BASE, batch("B1"), lab(status="ACTIVE", statusSince="2026-01-01"), *REPORTS)
    await load(db, lab(status="SUSPENDED", statusSince="2026-03-10"))
    await load(db, lab(status="ACTIVE", statusSince="2026-03-20"))
    assert await history(db) == ["ACTIVE", "SUSPENDED", "ACTIVE"]
    assert await recognised(db) == {
        "T-BEFORE": (True, False),
        "T-DURING": (False, True),
        "T-AFTER": (True, False),
    }


async def test_the_status_history_grows_only_when_the_status_changes(db):
    await load(db, lab(status="ACTIVE", statusSince="2026-01-01"))
    assert await history(db) == ["ACTIVE"]
    await load(db, lab(status="ACTIVE", statusSince="2026-01-01"))  # identical re-import
    await load(db, lab(status="ACTIVE", statusSince="2026-01-01", name="Lab L1 (renamed)"))  # other fields change
    await load(db, lab(status="ACTIVE", statusSince="2026-01-01", accreditation="CNAS L0001"))
    assert await history(db) == ["ACTIVE"]
    await load(db, lab(status="SUSPENDED", statusSince="2026-03-10"))
    await load(db, lab(status="SUSPENDED", statusSince="2026-03-10", name="Lab L1 (suspended)"))
    assert await history(db) == ["ACTIVE", "SUSPENDED"]
    await load(db, lab(status="REVOKED", statusSince="2026-04-01"))
    await load(db, lab(status="REVOKED"))  # statusSince left out: the date it took effect stays
    (node,) = await labs(db, ["L1"])
    assert node.history == (
        ("ACTIVE", 1767225600000),  # 2026-01-01T00:00:00Z
        ("SUSPENDED", 1773100800000),  # 2026-03-10T00:00:00Z
        ("REVOKED", 1775001600000),  # 2026-04-01T00:00:00Z
    )
