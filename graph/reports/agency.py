"""Reports to the responsible agencies, one per monitoring plan (the plan's task 12): a HOOK, not yet built.

Monitoring plans (graph/monitoring/, issue 17 item 1) are another engineer's; their results come from
`graph.monitoring.plan_results(graph, plan_id)`, which did not exist when this module was written. Once it does,
`report` turns its answer into the agency report (JSON, and a PDF through graph/reports/pdf.py like the enterprise
report); until then it says so with a clear error instead of guessing at the plan's shape."""

from __future__ import annotations

import importlib
from typing import Any

from graph.db import Graph
from graph.errors import DomainError


class PlansNotAvailable(DomainError):
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("agency reports need monitoring plans (graph.monitoring.plan_results), not yet in this build")


async def report(graph: Graph, plan_id: str) -> dict[str, Any]:
    """The agency report of a monitoring plan: the plan's results as plan_results gives them, for its agencies."""
    try:
        monitoring = importlib.import_module("graph.monitoring")
    except ModuleNotFoundError:
        raise PlansNotAvailable() from None
    plan_results = getattr(monitoring, "plan_results", None)
    if plan_results is None:
        raise PlansNotAvailable()
    results = await plan_results(graph, plan_id)
    return {"kind": "agency_report", "planId": plan_id, "results": results}
