"""The explorer's monitoring pages (issue 17) in Chromium against the running service with the demo: the plans
list, a plan's progress and results per target and stage as the API computes them, and the indicator charts of
each target. The plan's page is kept as docs/explorer-monitoring-plan.png."""

from __future__ import annotations

import shutil
from typing import Any

from tests.conftest import ROOT
from tests.web.conftest import gql_as_admin

PLAN = "MP-2026-H1-01"  # seed/DEMO.md, "Monitoring plan"
RESULTS = """query($id: ID!) { planResults(planId: $id) {
  targets { target { id } stages { stage quota tested failed } } failures { batchId } } }"""


def links_to(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => decodeURIComponent(e.getAttribute('href')))")


def test_a_monitoring_officer_sees_the_plan_its_results_and_indicator_charts(explorer, service):
    e = explorer("monitoring_officer")
    page = e.open("#/plans", ready="plans:")
    assert f"#/plan/{PLAN}" in links_to(page, "table.plans a")
    assert "plans" in page.eval_on_selector_all("header nav a", "as => as.map(a => a.dataset.nav)")

    page = e.open(f"#/plan/{PLAN}", ready=f"plan:{PLAN}")
    expected = gql_as_admin(service, RESULTS, id=PLAN)["planResults"]
    rows = page.eval_on_selector_all(
        "table.plan-results tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.innerText.trim()))"
    )
    stages = [(t["target"]["id"], s) for t in expected["targets"] for s in t["stages"]]
    assert len(rows) == len(stages)
    for row, (target, stage) in zip(rows, stages, strict=True):
        quota = "—" if stage["quota"] is None else str(stage["quota"])
        assert (row[0], row[3], row[4], row[5]) == (target, quota, str(stage["tested"]), str(stage["failed"]))
    failed_lots = links_to(page, "table.plan-failures a.lot-id")
    assert sorted(h.split("/")[-1] for h in failed_lots) == sorted(f["batchId"] for f in expected["failures"])
    page.wait_for_selector("#plan-progress-chart canvas")
    for target in expected["targets"]:
        page.wait_for_selector(f"#indicator-pass-{target['target']['id']} canvas")
    assert page.locator(".definition").count() == 2 * len(expected["targets"])
    shot = e.screenshot("monitoring-plan")
    shutil.copyfile(shot, ROOT / "docs" / "explorer-monitoring-plan.png")
    assert not e.errors, e.errors


def test_roles_without_monitoring_see_no_plans(explorer):
    page = explorer("credit_platform").open("#/search", ready="search:")
    assert "plans" not in page.eval_on_selector_all("header nav a", "as => as.map(a => a.dataset.nav)")
