"""Monitoring over GraphQL and the public results: who may plan, sample and read; spot checks signed, second
officer and audited; a published plan's public results carry counts and nothing confidential.
The data and answers: tests/graph/monitoring/data.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import auth_headers, gql, load
from tests.graph.monitoring.data import PLAN, RECORDS

MO = ("mo-1", "monitoring_officer")
CREATE = """mutation($input: MonitoringPlanInput!) {
  createMonitoringPlan(input: $input) {
    id name stages agencies { name } targets { id hsPrefixes quotas { stage samples } }
  }
}"""
RESULTS = """query($id: ID!) {
  planResults(planId: $id) {
    tested failed failRate quota progress outsidePeriod unmatched
    targets { target { id } tested failed stages { stage quota tested failed failRate progress } }
    failures { reportId batchId producerId stage }
  }
}"""
PUBLISH = """mutation($id: ID!, $by: String!) { publishPlanResults(planId: $id, by: $by) { id publishedBy } }"""
PROPOSE = """mutation($by: String!) {
  proposeSpotCheck(planId: "MP1", batchId: "B5", stage: MARKET, reason: "market tip-off", by: $by) {
    id status score reasons { kind points detail } proposedBy
  }
}"""
ACCEPT = """mutation($id: ID!, $by: String!) { acceptSpotCheck(id: $id, by: $by) { id status decidedBy } }"""
SAMPLES = """query($after: String) {
  nextSamples(planId: "MP1", targetId: "T-SHRIMP", stage: MARKET, first: 2, after: $after) {
    scoreDefinition items { batchId score reasons { kind points } } endCursor hasNextPage candidates
  }
}"""
INDICATORS = """{
  qualityIndicators(dimension: COMMODITY, key: "0306", fromMonth: "2026-02", toMonth: "2026-03") {
    months { month tested passed passRate } definitions { name definition } lots
  }
}"""


def plan_input() -> dict[str, Any]:
    """The MP1 record as the mutation's input (camelCase names are the record's)."""
    return {
        "id": "MP1",
        "name": PLAN["name"],
        "periodStart": PLAN["periodStart"],
        "periodEnd": PLAN["periodEnd"],
        "stages": PLAN["stages"],
        "agencies": PLAN["agencies"],
        "targets": PLAN["targets"],
    }


def code(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"]


@pytest.fixture
async def api(client: httpx.AsyncClient, db) -> httpx.AsyncClient:
    await load(db, *RECORDS)
    return client


async def test_a_monitoring_officer_plans_and_every_regulator_reads_the_results(api: httpx.AsyncClient) -> None:
    body = await gql(api, CREATE, auth_headers(*MO), input={**plan_input(), "name": "2026 H1 seafood and toys"})
    assert "errors" not in body, body
    plan = body["data"]["createMonitoringPlan"]
    assert (plan["name"], plan["agencies"]) == ("2026 H1 seafood and toys", [{"name": "Qingdao Customs"}])
    for caller in (MO, ("inv-1", "investigator")):
        results = (await gql(api, RESULTS, auth_headers(*caller), id="MP1"))["data"]["planResults"]
        assert (results["tested"], results["failed"], results["quota"], results["progress"]) == (4, 2, 8, 0.5)
        assert (results["outsidePeriod"], results["unmatched"]) == (1, 1)
        shrimp = results["targets"][0]
        assert shrimp["stages"][0] == {
            "stage": "PORT",
            "quota": 4,
            "tested": 2,
            "failed": 1,
            "failRate": 0.5,
            "progress": 0.5,
        }
        assert [f["reportId"] for f in results["failures"]] == ["R2", "R3"]


@pytest.mark.parametrize("role", ["risk_officer", "data_supplier", "credit_platform"])
async def test_only_monitoring_officers_create_plans(api: httpx.AsyncClient, role: str) -> None:
    body = await gql(api, CREATE, auth_headers("someone", role), input=plan_input())
    assert code(body) == "FORBIDDEN" and "monitoring_officer" in body["errors"][0]["message"]


async def test_a_bad_plan_names_its_field(api: httpx.AsyncClient) -> None:
    bad = {**plan_input(), "stages": ["PORT"]}  # T-SHRIMP has a MARKET quota
    body = await gql(api, CREATE, auth_headers(*MO), input=bad)
    assert code(body) == "BAD_USER_INPUT"
    assert "input.targets" in body["errors"][0]["message"] and "MARKET" in body["errors"][0]["message"]


async def test_public_results_only_once_published_and_nothing_confidential(api: httpx.AsyncClient) -> None:
    public = httpx.AsyncClient(transport=api._transport, base_url="http://test")  # no token
    assert (await public.get("/public/plans/MP1")).status_code == 404
    assert (await public.get("/public/plans/NOPE")).status_code == 404
    body = await gql(api, PUBLISH, auth_headers(*MO), id="MP1", by="mo-1")
    assert body["data"]["publishPlanResults"]["publishedBy"] == "mo-1"
    response = await public.get("/public/plans/MP1")
    assert response.status_code == 200
    published = response.json()
    assert (published["tested"], published["failed"], published["failRate"]) == (4, 2, 0.5)
    assert published["agencies"] == ["Qingdao Customs"]
    assert published["targets"][0]["stages"][1] == {
        "stage": "MARKET",
        "quota": 2,
        "tested": 1,
        "failed": 1,
        "failRate": 1.0,
    }
    text = response.text
    for secret in ("Vietnam Seafood Co", "Toy Maker Ltd", '"V"', '"M"', "B1", "B2", "B3", "R2", "R3", "L1", "Lab "):
        assert secret not in text, secret
    for key in ("failures", "producer", "batch", "report", "lab", "enterprise"):
        assert key not in published


async def test_publishing_is_signed_by_the_caller(api: httpx.AsyncClient) -> None:
    body = await gql(api, PUBLISH, auth_headers(*MO), id="MP1", by="someone-else")
    assert code(body) == "FORBIDDEN"


async def test_spot_check_signed_second_officer_and_audited(api: httpx.AsyncClient) -> None:
    proposed = await gql(api, PROPOSE, auth_headers(*MO), by="mo-1")
    check = proposed["data"]["proposeSpotCheck"]
    assert (check["status"], check["proposedBy"]) == ("PROPOSED", "mo-1")
    assert {r["kind"] for r in check["reasons"]} >= {"credit", "sinceTest", "producerFails"}
    own = await gql(api, ACCEPT, auth_headers(*MO), id=check["id"], by="mo-1")
    assert code(own) == "FORBIDDEN"
    accepted = await gql(api, ACCEPT, auth_headers("mo-2", "monitoring_officer"), id=check["id"], by="mo-2")
    assert accepted["data"]["acceptSpotCheck"] == {"id": check["id"], "status": "ACCEPTED", "decidedBy": "mo-2"}
    trail = await gql(
        api,
        "{ auditEvents(first: 100) { events { subject operation ids outcome } } }",
        auth_headers("aud", "auditor"),
    )
    events = [(e["subject"], e["operation"], e["outcome"]) for e in trail["data"]["auditEvents"]["events"]]
    assert events == [
        ("mo-1", "Mutation.proposeSpotCheck", "OK"),
        ("mo-1", "Mutation.acceptSpotCheck", "DENIED"),  # the proposer's own: refused
        ("mo-2", "Mutation.acceptSpotCheck", "OK"),
    ]


async def test_next_samples_pages_with_reasons(api: httpx.AsyncClient) -> None:
    first = (await gql(api, SAMPLES, auth_headers(*MO)))["data"]["nextSamples"]
    assert first["candidates"] == 4 and first["hasNextPage"] and "credit grade" in first["scoreDefinition"]
    second = (await gql(api, SAMPLES, auth_headers(*MO), after=first["endCursor"]))["data"]["nextSamples"]
    batches = [i["batchId"] for i in first["items"] + second["items"]]
    assert sorted(batches) == ["B1", "B2", "B3", "B4"] and not second["hasNextPage"]
    bad = await gql(api, SAMPLES, auth_headers(*MO), after="nope")
    assert code(bad) == "BAD_USER_INPUT" and "after" in bad["errors"][0]["message"]


async def test_quality_indicators_carry_their_definitions(api: httpx.AsyncClient) -> None:
    body = await gql(api, INDICATORS, auth_headers(*MO))
    found = body["data"]["qualityIndicators"]
    assert [(m["month"], m["tested"], m["passed"]) for m in found["months"]] == [("2026-02", 3, 2), ("2026-03", 1, 0)]
    assert found["lots"] == 4
    assert {d["name"] for d in found["definitions"]} >= {"passRate", "signalsPer10kShipments"}
    assert all(d["definition"] for d in found["definitions"])
