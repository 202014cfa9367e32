"""contract/risk.graphql over real HTTP: reportSignal, assessSignal, issueWarning / adjustWarning / liftWarning with
a history naming the actor (the caller's token subject), portControlHits (also from a shipment),
checkDeclaration, and the error codes: NOT_FOUND naming the id, BAD_USER_INPUT naming the argument in
extensions.argument."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from graph.db import Graph
from tests.conftest import BASE, auth_headers, batch, enterprise, load, product, shipment

# B1: product P1 (HS 1901101000, FOOD) made by M in NZ; B2: a toy made by M2 in DE.
# Warnings issued over HTTP take effect now, so shipments are dated long ago or far ahead.
GRAPH = (
    *BASE,
    enterprise("M2"),
    enterprise("IMP"),
    enterprise("K"),
    product("P-TOY", hsCode="9503000000", category="TOY"),
    batch("B1", originCountry="NZ"),
    batch("B2", product="P-TOY", producer="M2", originCountry="DE"),
    shipment("S-FUTURE", "B1", "IMP", shipped_at="2099-01-02T00:00:00Z", direction="IMPORT", port="CNTAO"),
    shipment("S-FUTURE-0", "B1", "IMP", shipped_at="2099-01-01", direction="IMPORT", port="CNTAO"),
    shipment("S-DOMESTIC", "B1", "K", shipped_at="2099-01-03"),
    shipment("S-PAST", "B1", "IMP", shipped_at="2000-01-01", direction="IMPORT", port="CNTAO"),
    shipment("S-B2", "B2", "IMP", from_="M2", shipped_at="2099-01-01", direction="EXPORT", port="CNTAO"),
)

REPORT = """mutation($input: RiskSignalInput!) {
  reportSignal(input: $input) { id source hazard severity probability receivedAt subjectKind subjectId description }
}"""
ASSESS = """query($id: ID!) {
  assessSignal(signalId: $id) { signalId riskLevel affectedBatchCount consigneeCount grade rationale }
}"""
WARNING_FIELDS = "id grade colour status effectiveFrom liftedAt measures history"
ISSUE = f"""mutation($signals: [ID!]!, $targets: WarningTargets!, $measures: [MeasureKind!]!, $grade: WarningGrade,
                   $reason: String) {{
  issueWarning(signalIds: $signals, targets: $targets, measures: $measures, grade: $grade, reason: $reason) {{
    {WARNING_FIELDS}
  }}
}}"""
ADJUST = f"""mutation($id: ID!, $grade: WarningGrade!, $reason: String!) {{
  adjustWarning(id: $id, grade: $grade, reason: $reason) {{ {WARNING_FIELDS} }}
}}"""
CONFIRM = f"""mutation($id: ID!) {{ confirmWarning(id: $id) {{ {WARNING_FIELDS} }} }}"""
LIFT = f"""mutation($id: ID!, $reason: String!) {{ liftWarning(id: $id, reason: $reason) {{ {WARNING_FIELDS} }} }}"""
WARNING = f"query($id: ID!) {{ warning(id: $id) {{ {WARNING_FIELDS} }} }}"
HITS = """query($id: ID!) {
  portControlHits(warningId: $id) {
    warning { id status } shipment { id direction shippedAt batch { id } } matchedOn measures
  }
}"""
SHIPMENT_HITS = "query($id: ID!) { shipment(id: $id) { id portControlHits { warning { id } matchedOn measures } } }"
DECLARE = """query($batch: ID!, $direction: String!, $at: String!) {
  checkDeclaration(batchId: $batch, direction: $direction, shippedAt: $at) { warning { id grade } matchedOn measures }
}"""


async def call(client: httpx.AsyncClient, query: str, actor: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = auth_headers(actor, "risk_officer") if actor is not None else None
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body["errors"]
    return body["errors"][0]


def signal_input(id: str = "SIG-1", **overrides: Any) -> dict[str, Any]:
    # Severity 4 at 1/2: SERIOUS.
    return {
        "id": id,
        "source": "OVERSEAS_NOTIFICATION",
        "hazard": "BIOLOGICAL",
        "severity": 4,
        "probability": 0.5,
        "receivedAt": "2026-03-09",
        "subjectBatch": "B1",
        "description": "RASFF notification: Cronobacter",
    } | overrides


async def setup(db: Graph, client: httpx.AsyncClient) -> None:
    await load(db, *GRAPH)
    body = await call(client, REPORT, "officer-wang", input=signal_input())
    assert "errors" not in body, body


async def issued(client: httpx.AsyncClient, actor: str | None = "officer-wang", **variables: Any) -> dict[str, Any]:
    variables = {"signals": ["SIG-1"], "targets": {"batchIds": ["B1"]}, "measures": ["PORT_CONTROL"]} | variables
    body = await call(client, ISSUE, actor, **variables)
    assert "errors" not in body, body
    warning = body["data"]["issueWarning"]
    if warning["status"] == "PROPOSED":  # a grade I or II: in force once a second officer confirms it
        body = await call(client, CONFIRM, "officer-second", id=warning["id"])
        assert "errors" not in body, body
        warning = body["data"]["confirmWarning"]
    return warning


# --- signals and assessment ------------------------------------------------------------------------------------


async def test_report_signal_then_assess_it(db: Graph, client: httpx.AsyncClient) -> None:
    await load(db, *GRAPH)
    body = await call(client, REPORT, input=signal_input())
    assert body["data"]["reportSignal"] == {
        "id": "SIG-1",
        "source": "OVERSEAS_NOTIFICATION",
        "hazard": "BIOLOGICAL",
        "severity": 4,
        "probability": 0.5,
        "receivedAt": "2026-03-09",
        "subjectKind": "batch",
        "subjectId": "B1",
        "description": "RASFF notification: Cronobacter",
    }
    a = (await call(client, ASSESS, id="SIG-1"))["data"]["assessSignal"]
    # B1 alone (nothing made from it) reached IMP and K: 2 consignees, narrow; SERIOUS narrow -> II.
    assert {k: v for k, v in a.items() if k != "rationale"} == {
        "signalId": "SIG-1",
        "riskLevel": "SERIOUS",
        "affectedBatchCount": 1,
        "consigneeCount": 2,
        "grade": "II",
    }
    for words in ("SIG-1", "OVERSEAS_NOTIFICATION", "BIOLOGICAL", "B1", "SERIOUS", "II"):
        assert words in a["rationale"], words


async def test_report_signal_on_a_product_and_an_enterprise(db: Graph, client: httpx.AsyncClient) -> None:
    await load(db, *GRAPH)
    on_product = signal_input("SIG-P", subjectBatch=None, subjectProduct="P-TOY", severity=1, probability=0.001)
    on_producer = signal_input("SIG-E", subjectBatch=None, subjectEnterprise="M", severity=2, probability=0.001)
    for input in (on_product, on_producer):
        assert "errors" not in await call(client, REPORT, input=input)
    p = (await call(client, ASSESS, id="SIG-P"))["data"]["assessSignal"]
    e = (await call(client, ASSESS, id="SIG-E"))["data"]["assessSignal"]
    # P-TOY: B2, shipped to IMP. Severity 1 at 1/1000: LOW -> IV.
    assert (p["riskLevel"], p["affectedBatchCount"], p["consigneeCount"], p["grade"]) == ("LOW", 1, 1, "IV")
    # M produced B1 only: IMP and K. Severity 2 at 1/1000: HIGH, narrow -> III.
    assert (e["riskLevel"], e["affectedBatchCount"], e["consigneeCount"], e["grade"]) == ("HIGH", 1, 2, "III")


async def test_report_signal_refuses_bad_input_naming_the_argument(db: Graph, client: httpx.AsyncClient) -> None:
    await load(db, *GRAPH)
    for input, argument in (
        (signal_input(subjectBatch="NOPE"), "input.subject"),
        (signal_input(subjectProduct="P1"), "input.subject"),  # two subjects
        (signal_input(subjectBatch=None), "input.subject"),  # none
        (signal_input(severity=5), "input.severity"),
        (signal_input(probability=0.0), "input.probability"),
        (signal_input(receivedAt="yesterday"), "input.receivedAt"),
    ):
        body = await call(client, REPORT, input=input)
        error = error_of(body)
        assert body["data"] is None
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["argument"].startswith(argument), error
    assert (await call(client, '{ signal(id: "SIG-1") { id } }'))["data"]["signal"] is None


async def test_assessing_an_unknown_signal_is_not_found(client: httpx.AsyncClient) -> None:
    body = await call(client, ASSESS, id="SIG-NOPE")
    error = error_of(body)
    assert body["data"] is None
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "SIG-NOPE" in error["message"]


# --- warnings --------------------------------------------------------------------------------------------------


async def test_issue_warning_keeps_the_actor_in_the_history(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    before = datetime.now(UTC)
    w = await issued(client, "officer-wang", measures=["PORT_CONTROL", "SEIZURE"])
    assert (w["grade"], w["colour"], w["status"], w["liftedAt"]) == ("II", "orange", "ACTIVE", None)
    assert w["measures"] == ["PORT_CONTROL", "SEIZURE"]
    effective = datetime.fromisoformat(w["effectiveFrom"])
    assert before - timedelta(seconds=1) <= effective <= datetime.now(UTC) + timedelta(seconds=1)  # now
    assert len(w["history"]) == 2  # issued, confirmed by a second officer
    assert "officer-wang" in w["history"][0] and "II" in w["history"][0]
    stored = (await call(client, WARNING, id=w["id"]))["data"]["warning"]
    assert stored == w


async def test_the_history_names_the_callers_token_subject(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client, actor=None)  # the client's own token: test-admin
    assert "test-admin" in w["history"][0] and "anonymous" not in w["history"][0]
    spoofed = await client.post(
        "/graphql",
        json={"query": WARNING, "variables": {"id": w["id"]}},
        headers={"X-Actor": "someone-else", "Authorization": ""},
    )
    assert spoofed.status_code == 401  # a name in a header is no caller


async def test_an_override_needs_a_reason(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    base = {"signals": ["SIG-1"], "targets": {"batchIds": ["B1"]}, "measures": ["RECALL"]}
    body = await call(client, ISSUE, "officer-wang", **base, grade="I")
    error = error_of(body)
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "reason")
    w = await issued(client, "officer-wang", grade="I", reason="infants at risk")
    assert (w["grade"], w["colour"]) == ("I", "red")
    assert "infants at risk" in w["history"][0] and "officer-wang" in w["history"][0]


async def test_issue_warning_errors(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    base = {"signals": ["SIG-1"], "targets": {"batchIds": ["B1"]}, "measures": ["PORT_CONTROL"]}
    cases = [
        ({"signals": ["SIG-1", "SIG-NOPE"]}, "NOT_FOUND", "SIG-NOPE"),
        ({"signals": []}, "BAD_USER_INPUT", "signalIds"),
        ({"targets": {}}, "BAD_USER_INPUT", "targets"),
        ({"targets": {"batchIds": [], "originCountries": []}}, "BAD_USER_INPUT", "targets"),
        ({"targets": {"batchIds": ["B-NOPE"]}}, "NOT_FOUND", "B-NOPE"),
        ({"targets": {"productIds": ["P-NOPE"]}}, "NOT_FOUND", "P-NOPE"),
        ({"targets": {"enterpriseIds": ["E-NOPE"]}}, "NOT_FOUND", "E-NOPE"),
        ({"targets": {"hsCodePrefixes": ["19X"]}}, "BAD_USER_INPUT", "targets.hsCodePrefixes"),
        ({"targets": {"originCountries": ["ZZ"]}}, "BAD_USER_INPUT", "targets.originCountries"),
    ]
    for change, code, named in cases:
        body = await call(client, ISSUE, "officer-wang", **(base | change))
        error = error_of(body)
        assert body["data"] is None
        assert error["extensions"]["code"] == code, (change, error)
        if code == "BAD_USER_INPUT":
            assert error["extensions"]["argument"] == named, (change, error)
        else:
            assert named in error["message"], (change, error)
    listed = await call(client, "{ warnings { id } }")
    assert listed["data"]["warnings"] == []  # nothing issued by a refused request


async def test_adjust_and_lift_name_their_actors_in_order(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client, "officer-wang")
    body = await call(client, ADJUST, "chief-li", id=w["id"], grade="I", reason="cases in three provinces")
    proposed = body["data"]["adjustWarning"]
    assert (proposed["grade"], proposed["status"]) == ("II", "PROPOSED")  # in force at II until confirmed
    body = await call(client, CONFIRM, "chief-zhou", id=w["id"])
    adjusted = body["data"]["confirmWarning"]
    assert (adjusted["grade"], adjusted["colour"], adjusted["status"]) == ("I", "red", "ACTIVE")
    assert len(adjusted["history"]) == 4
    assert "chief-li" in adjusted["history"][2] and "cases in three provinces" in adjusted["history"][2]
    assert "II" in adjusted["history"][2]  # from II (to I)
    assert "chief-zhou" in adjusted["history"][3]

    body = await call(client, LIFT, "director-zhao", id=w["id"], reason="all lots destroyed")
    lifted = body["data"]["liftWarning"]
    assert (lifted["status"], lifted["grade"]) == ("LIFTED", "I")
    assert lifted["liftedAt"] is not None
    assert datetime.fromisoformat(lifted["liftedAt"]) >= datetime.fromisoformat(lifted["effectiveFrom"])
    first, _, second, _, third = lifted["history"]
    assert "officer-wang" in first and "chief-li" in second
    assert "director-zhao" in third and "all lots destroyed" in third
    assert (await call(client, WARNING, id=w["id"]))["data"]["warning"] == lifted


async def test_adjust_and_lift_errors(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client)
    error = error_of(await call(client, ADJUST, "chief-li", id=w["id"], grade="II", reason="same"))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "grade")
    error = error_of(await call(client, ADJUST, "chief-li", id=w["id"], grade="I", reason=" "))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "reason")
    error = error_of(await call(client, LIFT, "chief-li", id=w["id"], reason=""))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "reason")
    for query, variables in ((ADJUST, {"grade": "I", "reason": "r"}), (LIFT, {"reason": "r"})):
        error = error_of(await call(client, query, "chief-li", id="W-NOPE", **variables))
        assert error["extensions"]["code"] == "NOT_FOUND" and "W-NOPE" in error["message"]
    assert "errors" not in await call(client, LIFT, "chief-li", id=w["id"], reason="done")
    for query, variables in ((ADJUST, {"grade": "I", "reason": "r"}), (LIFT, {"reason": "again"})):
        error = error_of(await call(client, query, "chief-li", id=w["id"], **variables))
        assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "id")
    stored = (await call(client, WARNING, id=w["id"]))["data"]["warning"]
    assert len(stored["history"]) == 3  # issued, confirmed, lifted: the refusals left nothing
    assert (await call(client, WARNING, id="W-NOPE"))["data"]["warning"] is None


async def test_a_grade_outside_the_enum_is_refused_before_execution(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client)
    body = await call(client, f'mutation {{ adjustWarning(id: "{w["id"]}", grade: V, reason: "r") {{ id }} }}')
    assert error_of(body)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = await call(client, f'mutation {{ adjustWarning(id: "{w["id"]}", grade: I) {{ id }} }}')  # no reason
    assert error_of(body)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


# --- port control ----------------------------------------------------------------------------------------------


async def test_port_control_hits(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(
        client, targets={"batchIds": ["B1"], "originCountries": ["NZ"]}, measures=["PORT_CONTROL", "SEIZURE"]
    )
    hits = (await call(client, HITS, id=w["id"]))["data"]["portControlHits"]
    # S-PAST is before effectiveFrom, S-DOMESTIC passes no port, S-B2 is another batch (DE). By shippedAt:
    # S-FUTURE-0 (2099-01-01) before S-FUTURE (2099-01-02).
    assert [h["shipment"]["id"] for h in hits] == ["S-FUTURE-0", "S-FUTURE"]
    for h in hits:
        assert h["warning"] == {"id": w["id"], "status": "ACTIVE"}
        assert sorted(h["matchedOn"]) == ["batchIds:B1", "originCountries:NZ"]
        assert h["measures"] == ["PORT_CONTROL", "SEIZURE"]
        assert (h["shipment"]["direction"], h["shipment"]["batch"]) == ("IMPORT", {"id": "B1"})
    from_shipment = (await call(client, SHIPMENT_HITS, id="S-FUTURE"))["data"]["shipment"]["portControlHits"]
    assert [(h["warning"]["id"], sorted(h["matchedOn"])) for h in from_shipment] == [
        (w["id"], ["batchIds:B1", "originCountries:NZ"])
    ]
    for quiet in ("S-PAST", "S-DOMESTIC", "S-B2"):
        assert (await call(client, SHIPMENT_HITS, id=quiet))["data"]["shipment"]["portControlHits"] == []


async def test_port_control_hits_by_hs_prefix_and_producer(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client, targets={"hsCodePrefixes": ["9503"], "enterpriseIds": ["M2"]}, measures=["IMPORT_BAN"])
    hits = (await call(client, HITS, id=w["id"]))["data"]["portControlHits"]
    assert [(h["shipment"]["id"], sorted(h["matchedOn"])) for h in hits] == [
        ("S-B2", ["enterpriseIds:M2", "hsCodePrefixes:9503"])
    ]


async def test_a_shipment_imported_under_an_active_warning_is_a_hit_at_once(
    db: Graph, client: httpx.AsyncClient
) -> None:
    await setup(db, client)
    w = await issued(client, targets={"productIds": ["P1"]})
    text = (
        '{"type":"shipment","id":"S-NEW","batch":"B1","from":"M","to":"IMP","quantity":5,'
        '"shippedAt":"2098-12-31","direction":"EXPORT","port":"CNTAO"}'
    )
    body = await call(client, "mutation($t: String!) { importRecords(ndjson: $t) { ok } }", t=text)
    assert body["data"]["importRecords"]["ok"] is True
    hits = (await call(client, HITS, id=w["id"]))["data"]["portControlHits"]
    assert [(h["shipment"]["id"], h["matchedOn"]) for h in hits] == [
        ("S-NEW", ["productIds:P1"]),
        ("S-FUTURE-0", ["productIds:P1"]),
        ("S-FUTURE", ["productIds:P1"]),
    ]


async def test_a_lifted_warning_stops_hitting(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client)
    assert len((await call(client, HITS, id=w["id"]))["data"]["portControlHits"]) == 2
    await call(client, LIFT, "chief-li", id=w["id"], reason="done")
    # The 2099 shipments come after liftedAt: no hits left.
    assert (await call(client, HITS, id=w["id"]))["data"]["portControlHits"] == []
    assert (await call(client, DECLARE, batch="B1", direction="IMPORT", at="2099-06-01"))["data"][
        "checkDeclaration"
    ] == []


async def test_port_control_hits_of_an_unknown_warning_are_not_found(client: httpx.AsyncClient) -> None:
    body = await call(client, HITS, id="W-NOPE")
    error = error_of(body)
    assert error["extensions"]["code"] == "NOT_FOUND" and "W-NOPE" in error["message"]


async def test_check_declaration(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    w = await issued(client, targets={"hsCodePrefixes": ["1901"]}, measures=["TIGHTENED_INSPECTION"])

    async def declare(batch: str, direction: str, at: str = "2099-06-01T10:00:00+08:00") -> list[dict]:
        body = await call(client, DECLARE, batch=batch, direction=direction, at=at)
        assert "errors" not in body, body
        return body["data"]["checkDeclaration"]

    expected = [{"warning": {"id": w["id"], "grade": "II"}, "matchedOn": ["hsCodePrefixes:1901"]}]
    expected[0]["measures"] = ["TIGHTENED_INSPECTION"]
    assert await declare("B1", "IMPORT") == expected
    assert await declare("B1", "EXPORT") == expected
    assert await declare("B1", "DOMESTIC") == []
    assert await declare("B2", "IMPORT") == []  # HS 9503


async def test_check_declaration_errors(db: Graph, client: httpx.AsyncClient) -> None:
    await setup(db, client)
    for variables, code, named in (
        ({"batch": "B1", "direction": "BY_SEA", "at": "2099-01-01"}, "BAD_USER_INPUT", "direction"),
        ({"batch": "B1", "direction": "import", "at": "2099-01-01"}, "BAD_USER_INPUT", "direction"),
        ({"batch": "B1", "direction": "IMPORT", "at": "next week"}, "BAD_USER_INPUT", "shippedAt"),
        ({"batch": "B-NOPE", "direction": "IMPORT", "at": "2099-01-01"}, "NOT_FOUND", "B-NOPE"),
    ):
        body = await call(client, DECLARE, **variables)
        error = error_of(body)
        assert body["data"] is None
        assert error["extensions"]["code"] == code, (variables, error)
        if code == "BAD_USER_INPUT":
            assert error["extensions"]["argument"] == named, (variables, error)
        else:
            assert named in error["message"]
