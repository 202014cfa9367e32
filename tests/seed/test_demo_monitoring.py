"""The demo's monitoring plan (seed/DEMO.md, "Monitoring plan"): after the demo's import a newcomer sees the plan
with the results the DEMO.md table states, and the sampling ranks the plan's lots."""

from __future__ import annotations

from graph.db import Graph
from graph.imports import import_lines
from graph.monitoring import indicators, plans, sampling
from graph.reports import agency
from tests.conftest import ROOT

DEMO = ROOT / "seed" / "demo.ndjson"


async def test_the_demo_plan_has_the_results_demo_md_states(db: Graph) -> None:
    report = await import_lines(db, DEMO.read_text(encoding="utf-8").splitlines())
    assert report.ok, report.errors[:5]
    results = await plans.plan_results(db, "MP-2026-H1-01")
    table = {(t.target.id, s.stage): (s.quota, s.tested, s.failed) for t in results.targets for s in t.stages}
    assert table == {
        ("T-DAIRY-IMPORT", "PORT"): (6, 5, 0),
        ("T-DAIRY-IMPORT", "MARKET"): (2, 1, 1),
        ("T-DAIRY-IMPORT", "CROSS_BORDER_ECOMMERCE"): (None, 0, 0),
        ("T-INFANT-FORMULA", "PORT"): (None, 0, 0),
        ("T-INFANT-FORMULA", "MARKET"): (6, 2, 1),
        ("T-INFANT-FORMULA", "CROSS_BORDER_ECOMMERCE"): (2, 0, 0),
        ("T-TOYS", "PORT"): (4, 4, 1),
        ("T-TOYS", "MARKET"): (2, 0, 0),
        ("T-TOYS", "CROSS_BORDER_ECOMMERCE"): (None, 0, 0),
    }
    assert (results.tested, results.failed, results.fail_rate, results.quota) == (12, 3, 0.25, 22)
    assert (results.outside_period, results.unmatched) == (0, 0)
    assert {f.batch for f in results.failures} == {
        "LOT-WMP-NZ-2026-0112",
        "LOT-IF1-2026-0305",
        "LOT-RIDEON-2026-0305",
    }

    page = await sampling.next_samples(db, "MP-2026-H1-01", "T-INFANT-FORMULA", "MARKET", first=5)
    assert page.items and all(c.components for c in page.items)
    scores = [c.score for c in page.items]
    assert scores == sorted(scores, reverse=True)

    formula = await indicators.indicators(db, "COMMODITY", "1901", "2026-01", "2026-04")
    assert sum(m.tested for m in formula.months) > 0


async def test_the_demo_plan_agency_report_as_demo_md_describes(db: Graph) -> None:
    report = await import_lines(db, DEMO.read_text(encoding="utf-8").splitlines())
    assert report.ok, report.errors[:5]
    body = await agency.report(db, "MP-2026-H1-01")
    assert len(body["plan"]["agencies"]) == 3 and body["results"]["failed"] == 3
    assert {f["batch"] for f in body["failedTests"]} == {
        "LOT-WMP-NZ-2026-0112",
        "LOT-IF1-2026-0305",
        "LOT-RIDEON-2026-0305",
    }
    assert all(f["producerName"] for f in body["failedTests"])
    # the period is over: every stage short of its quota in the table above is behind (T-TOYS PORT met its 4)
    assert [(b["target"], b["stage"]) for b in body["followUp"]["behindQuota"]] == [
        ("T-DAIRY-IMPORT", "PORT"),
        ("T-DAIRY-IMPORT", "MARKET"),
        ("T-INFANT-FORMULA", "MARKET"),
        ("T-INFANT-FORMULA", "CROSS_BORDER_ECOMMERCE"),
        ("T-TOYS", "MARKET"),
    ]
    assert (await agency.render_pdf(db, body)).startswith(b"%PDF")
