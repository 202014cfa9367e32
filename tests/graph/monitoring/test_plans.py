"""Monitoring plans: the record, the reports that serve a plan, and the plan's results (tests/graph/monitoring/
data.py has the data and the answers)."""

from __future__ import annotations

import pytest

from graph.db import Graph
from graph.errors import NotFound
from graph.imports import import_lines
from graph.monitoring import plans
from seed.builders import lab_report, monitoring_plan, plan_target
from tests.conftest import load, ndjson
from tests.graph.monitoring.data import PLAN, RECORDS


async def test_results_per_target_and_stage(db: Graph) -> None:
    await load(db, *RECORDS)
    results = await plans.plan_results(db, "MP1")
    by = {(t.target.id, s.stage): s for t in results.targets for s in t.stages}
    port, market = by[("T-SHRIMP", "PORT")], by[("T-SHRIMP", "MARKET")]
    assert (port.quota, port.tested, port.failed, port.fail_rate, port.progress) == (4, 2, 1, 0.5, 0.5)
    assert (market.quota, market.tested, market.failed, market.fail_rate, market.progress) == (2, 1, 1, 1.0, 0.5)
    toy_port, toy_market = by[("T-TOY", "PORT")], by[("T-TOY", "MARKET")]
    assert (toy_port.quota, toy_port.tested, toy_port.failed, toy_port.fail_rate) == (2, 1, 0, 0.0)
    assert (toy_market.quota, toy_market.tested, toy_market.fail_rate, toy_market.progress) == (None, 0, None, None)
    shrimp = results.targets[0]
    assert (shrimp.tested, shrimp.failed, shrimp.quota) == (3, 2, 6)
    assert (results.tested, results.failed, results.quota, results.progress) == (4, 2, 8, 0.5)
    assert (results.outside_period, results.unmatched) == (1, 1)  # R4 (1 July), R6 (T-NOPE)
    assert [f.report for f in results.failures] == ["R2", "R3"]
    assert results.failures[0].producer == "V" and results.failures_complete


async def test_plan_keeps_targets_agencies_and_period(db: Graph) -> None:
    await load(db, *RECORDS)
    plan = await plans.plan(db, "MP1")
    assert [a.name for a in plan.agencies] == ["Qingdao Customs"]
    assert plan.stages == ("PORT", "MARKET")
    shrimp = plan.target("T-SHRIMP")
    assert (shrimp.countries, shrimp.hs_prefixes, shrimp.hazards) == (("VN",), ("0306",), ("CHEMICAL", "BIOLOGICAL"))
    assert shrimp.matches("0306170000", "FOOD", "VN") and not shrimp.matches("0306170000", "FOOD", "TH")


async def test_reimporting_a_report_without_its_plan_takes_it_off_the_plan(db: Graph) -> None:
    await load(db, *RECORDS)
    await load(db, lab_report("R2", "B2", "FAIL", tested_at="2026-02-02"))
    results = await plans.plan_results(db, "MP1")
    assert (results.tested, results.failed) == (3, 1)


async def test_publication_survives_a_reimport_of_the_plan(db: Graph) -> None:
    await load(db, *RECORDS)
    published = await plans.publish(db, "MP1", by="officer-1", now=1_000)
    assert published.published_at_ms == 1_000
    await load(db, {**PLAN, "name": "renamed"})
    again = await plans.plan(db, "MP1")
    assert again.name == "renamed" and again.published_by == "officer-1"


async def test_unknown_plan_is_not_found(db: Graph) -> None:
    with pytest.raises(NotFound):
        await plans.plan_results(db, "nope")


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        (lab_report("R9", "B1", plan="MP1", planTarget="T-SHRIMP"), "stage", "stage required"),
        (
            monitoring_plan("MP2", [plan_target("T", {"CROSS_BORDER_ECOMMERCE": 1}, countries=["VN"])]),
            "targets",
            "stage CROSS_BORDER_ECOMMERCE the plan does not cover",
        ),
        (monitoring_plan("MP2", [plan_target("T", {"PORT": 1})]), "targets[0]", "names none of"),
        (
            monitoring_plan("MP2", [plan_target("T", {"PORT": 1}, categories=["TOY"])], agencies=["A9"]),
            "agencies[0]",
            "agency 'A9' is not in this import",
        ),
        (
            monitoring_plan(
                "MP2", [plan_target("T", {"PORT": 1}, categories=["TOY"])], period=("2026-06-01", "2026-01-01")
            ),
            "periodEnd",
            "after periodStart",
        ),
        (lab_report("R9", "B1", plan="MP9", planTarget="T", stage="PORT"), "plan", "monitoring_plan 'MP9'"),
    ],
)
async def test_bad_records_name_their_field(db: Graph, record: dict, field: str, words: str) -> None:
    await load(db, *RECORDS)
    report = await import_lines(db, ndjson(record))
    assert not report.ok
    error = report.errors[0]
    assert error.field is not None and error.field.startswith(field), error
    assert words in error.message, error
