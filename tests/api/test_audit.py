"""The audit trail over real HTTP: every mutation and every confidential read leaves exactly one event with who,
what, which ids, the outcome and the request id; refused attempts too; seq stays gap-free under a burst of
concurrent mutations; auditors page it with after/first; nothing can change an event."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from api.gql.audit import audited_fields
from api.gql.schema import build_schema
from graph import audit
from tests.conftest import BASE, ROOT, auth_headers, batch, enterprise, load, shipment

EVENTS = """query($after: String, $first: Int!) {
  auditEvents(after: $after, first: $first) {
    events { seq at subject roles operation ids outcome requestId }
    endCursor hasNextPage
  }
}"""
SET_GRADE = """mutation($id: ID!, $grade: CreditGrade!, $by: String!) {
  setCreditGrade(enterpriseId: $id, grade: $grade, reason: "regulator's decision", by: $by) {
    enterprise { id creditGrade }
  }
}"""


async def call(
    client: httpx.AsyncClient, query: str, who: str, *roles: str, request_id: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = auth_headers(who, *roles)
    if request_id:
        headers["x-request-id"] = request_id
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def trail(client: httpx.AsyncClient, first: int = 1000) -> list[dict[str, Any]]:
    """Every event, read by an auditor through GraphQL (a read that is not itself recorded)."""
    body = await call(client, EVENTS, "auditor-1", "auditor", first=first)
    assert "errors" not in body, body
    return body["data"]["auditEvents"]["events"]


@pytest.fixture
async def api(client: httpx.AsyncClient, db):
    await load(db, *BASE, enterprise("A"), batch("B1"), shipment("S1", batch="B1", to="A"))
    return client


async def test_a_mutation_leaves_one_event_with_who_what_which_ids_and_the_request(api):
    body = await call(
        api, SET_GRADE, "officer-1", "credit_officer", by="officer-1", request_id="req-42", id="A", grade="REGULAR"
    )
    assert "errors" not in body, body
    (event,) = await trail(api)
    assert event["seq"] == 1
    assert event["subject"] == "officer-1"
    assert event["roles"] == ["credit_officer"]
    assert event["operation"] == "Mutation.setCreditGrade"
    assert event["ids"] == ["A"]
    assert event["outcome"] == "OK"
    assert event["requestId"] == "req-42"
    assert event["at"]


async def test_a_failed_mutation_is_a_failed_event(api):
    body = await call(api, SET_GRADE, "officer-1", "credit_officer", by="officer-1", id="NOPE", grade="REGULAR")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    (event,) = await trail(api)
    assert (event["operation"], event["ids"], event["outcome"]) == ("Mutation.setCreditGrade", ["NOPE"], "FAILED")


async def test_a_confidential_read_leaves_one_event_and_a_plain_read_none(api):
    scope = 'query { recallScope(batchIds: ["B1"]) { affectedBatches { depth } } }'
    body = await call(api, scope, "inv-1", "investigator")
    assert "errors" not in body, body
    body = await call(api, 'query { batch(id: "B1") { id } }', "inv-1", "investigator")
    assert "errors" not in body, body
    (event,) = await trail(api)
    assert (event["subject"], event["operation"], event["ids"], event["outcome"]) == (
        "inv-1",
        "Query.recallScope",
        ["B1"],
        "OK",
    )


@pytest.mark.parametrize(
    "fields", ["sources { id }", "affectedBatches { depth }", "affectedBatchesPage { items { depth } }"]
)
async def test_a_confidential_read_that_failed_beneath_the_field_is_a_failed_event(api, fields):
    """recallScope's lists are read by its own fields: their error nulls the whole answer, and the read failed."""
    query = 'query { recallScope(batchIds: ["B1", "NOPE"]) { FIELDS } }'.replace("FIELDS", fields)
    body = await call(api, query, "inv-1", "investigator")
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    (event,) = await trail(api)
    assert (event["operation"], event["ids"], event["outcome"]) == ("Query.recallScope", ["B1", "NOPE"], "FAILED")


async def test_several_fields_of_one_request_are_one_write_of_one_event_each(api):
    both = """mutation {
      a: setCreditGrade(enterpriseId: "A", grade: REGULAR, reason: "r", by: "officer-1") { enterprise { id } }
      m: setCreditGrade(enterpriseId: "M", grade: REGULAR, reason: "r", by: "officer-1") { enterprise { id } }
    }"""
    body = await call(api, both, "officer-1", "credit_officer", request_id="req-both")
    assert "errors" not in body, body
    events = await trail(api)
    assert [(e["seq"], e["ids"], e["requestId"]) for e in events] == [(1, ["A"], "req-both"), (2, ["M"], "req-both")]
    assert events[0]["at"] == events[1]["at"]  # one transaction: one instant


async def test_a_refused_mutation_is_a_denied_event(api, db):
    # A second person is needed: the officer who opened a review may not approve it (FORBIDDEN).
    await load(
        db,
        enterprise("X"),
        {"type": "link", "kind": "SHAREHOLDER", "from": "X", "to": "A", "share": 0.6},
        {"type": "blacklist", "id": "K1", "enterprise": "X", "reason": "falsified origin", "listedAt": "2026-03-01"},
    )
    opened = await call(
        api,
        'mutation { openDowngradeReviews(by: "officer-1", sourceIds: ["X"]) { opened { id } } }',
        "officer-1",
        "credit_officer",
    )
    review = opened["data"]["openDowngradeReviews"]["opened"][0]["id"]
    approve = 'mutation($id: ID!) { approveDowngradeReview(id: $id, reason: "r", by: "officer-1") { id } }'
    refused = await call(api, approve, "officer-1", "credit_officer", id=review)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    events = await trail(api)
    assert [(e["operation"], e["ids"], e["outcome"]) for e in events] == [
        ("Mutation.openDowngradeReviews", ["X"], "OK"),
        ("Mutation.approveDowngradeReview", [review], "DENIED"),
    ]


async def test_seq_is_gap_free_and_nothing_is_missing_after_a_burst_of_concurrent_mutations(api):
    n = 50
    grades = ["REGULAR", "CERTIFIED"]
    bodies = await asyncio.gather(
        *(
            call(
                api,
                SET_GRADE,
                f"officer-{i}",
                "credit_officer",
                by=f"officer-{i}",
                request_id=f"burst-{i}",
                id="A",
                grade=grades[i % 2],
            )
            for i in range(n)
        )
    )
    assert all("errors" not in b for b in bodies), [b for b in bodies if "errors" in b][:1]
    events = await trail(api)
    assert [e["seq"] for e in events] == list(range(1, n + 1))
    assert sorted(e["requestId"] for e in events) == sorted(f"burst-{i}" for i in range(n))
    assert {e["subject"] for e in events} == {f"officer-{i}" for i in range(n)}
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


async def test_auditors_page_the_trail_with_after_and_first(api, db):
    await audit.append(
        db, [audit.Entry("s", (), "Mutation.x", (str(i),), audit.Outcome.OK, None) for i in range(5)], now=1_000
    )
    seen, after, pages = [], None, 0
    while True:
        body = await call(api, EVENTS, "auditor-1", "auditor", after=after, first=2)
        page = body["data"]["auditEvents"]
        seen += [e["ids"][0] for e in page["events"]]
        pages += 1
        after = page["endCursor"]
        if not page["hasNextPage"]:
            break
    assert (seen, pages) == (["0", "1", "2", "3", "4"], 3)
    empty = (await call(api, EVENTS, "auditor-1", "auditor", after=after, first=2))["data"]["auditEvents"]
    assert empty == {"events": [], "endCursor": after, "hasNextPage": False}
    bad = await call(api, EVENTS, "auditor-1", "auditor", after="bm9wZQ", first=2)
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    credit_cursor = "Y3JlZGl0LWV2ZW50OjE"  # credit-event:1, a cursor of the other feed
    bad = await call(api, EVENTS, "auditor-1", "auditor", after=credit_cursor, first=2)
    assert bad["errors"][0]["extensions"]["argument"] == "after"


async def test_the_exports_of_consignee_lists_and_imports_are_recorded_over_http(api):
    headers = {**auth_headers("inv-1", "investigator"), "x-request-id": "req-csv"}
    response = await api.get("/recall-scope.csv", params={"batch": "B1"}, headers=headers)
    assert response.status_code == 200
    response = await api.get("/credit/events", headers=auth_headers("platform", "credit_platform"))
    assert response.status_code == 200
    response = await api.get("/healthz")
    assert response.status_code == 200
    response = await api.get("/recalls/NOPE.csv", headers=auth_headers("inv-1", "investigator"))
    assert response.status_code == 404
    events = await trail(api)
    assert [(e["subject"], e["operation"], e["ids"], e["outcome"], e["requestId"]) for e in events[:1]] == [
        ("inv-1", "GET /recall-scope.{extension}", ["B1"], "OK", "req-csv")
    ]
    assert [(e["operation"], e["ids"], e["outcome"]) for e in events[1:]] == [
        ("GET /credit/events", [], "OK"),
        ("GET /recalls/{recall_id}.{extension}", ["NOPE"], "FAILED"),
    ]


def test_nested_confidential_fields_are_found_once_per_place_with_their_parents_ids(settings, monkeypatch):
    from graphql import parse
    from graphql.utilities import get_operation_ast

    from api import access

    monkeypatch.setitem(access.FIELDS, "Batch.producer", access.CONFIDENTIAL)  # as the access table may mark it
    schema = build_schema(settings)._schema
    document = parse(
        """query($b: ID!) {
          batch(id: $b) { ...P  again: producer { id } }
          other: batch(id: "B2") { ... on Batch { producer { id } } }
        }
        fragment P on Batch { producer { id } producer { name } }"""
    )
    found = audited_fields(schema, document, get_operation_ast(document), {"b": "B1"})
    assert [(f.operation, f.path, f.ids) for f in found] == [
        ("Batch.producer", ("batch", "producer"), ("B1",)),
        ("Batch.producer", ("batch", "again"), ("B1",)),
        ("Batch.producer", ("other", "producer"), ("B2",)),
    ]


# --- append only -------------------------------------------------------------------------------------------------

CHANGES = re.compile(r"\b(SET|REMOVE|DELETE|DETACH|MERGE)\b")


def test_no_statement_changes_or_deletes_an_audit_event():
    """Statements that touch AuditEvent only create them (the counter they lock is another node); and no statement
    outside the test suite's own deletes nodes it does not name by label."""
    offenders = []
    for path in sorted((ROOT / "cypher").rglob("*.cypher")):
        text = "\n".join(line.split("//")[0] for line in path.read_text(encoding="utf-8").splitlines())
        if "AuditEvent" in text:
            for line in text.splitlines():
                clause = CHANGES.search(line)
                if clause and not re.search(r"\bcounter\b|Sequence", line):
                    offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
        elif path.parent.name != "testing" and re.search(r"MATCH \((\w+)\)[^\n]*\bDELETE\s+\1\b", text):
            offenders.append(f"{path.relative_to(ROOT)}: deletes unlabelled nodes")
    assert offenders == []


async def test_no_operation_alters_an_event(api, db):
    """Events written, then every kind of write the service does (decisions, imports re-writing records): the
    events read back exactly as they were, and the schema offers no mutation on them."""
    body = await call(api, SET_GRADE, "officer-1", "credit_officer", by="officer-1", id="A", grade="REGULAR")
    assert "errors" not in body
    before = await trail(api)
    await load(db, *BASE, enterprise("A", name="Renamed"), batch("B1", producedAt="2026-02-02"))
    body = await call(api, SET_GRADE, "officer-2", "credit_officer", by="officer-2", id="A", grade="CERTIFIED")
    assert "errors" not in body
    after = await trail(api)
    assert after[: len(before)] == before
    schema = build_schema(db.settings)._schema
    assert schema.mutation_type is not None
    touching = [
        name
        for name, f in schema.mutation_type.fields.items()
        if "audit" in name.lower() or "Audit" in str(f.type) or any("Audit" in str(a.type) for a in f.args.values())
    ]
    assert touching == []


# --- refusals by the token check (api/auth.py): recorded like any attempt -----------------------------------------


async def test_a_role_missing_is_a_denied_event_with_the_callers_roles(api):
    body = await call(
        api, SET_GRADE, "inv-1", "investigator", by="inv-1", request_id="req-denied", id="A", grade="REGULAR"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    (event,) = await trail(api)
    assert (event["subject"], event["roles"], event["operation"], event["outcome"], event["requestId"]) == (
        "inv-1",
        ["investigator"],
        "Mutation.setCreditGrade",
        "DENIED",
        "req-denied",
    )


async def test_an_export_without_a_token_is_a_denied_event(api):
    bare = httpx.AsyncClient(transport=api._transport, base_url="http://test")
    async with bare:
        response = await bare.get("/recall-scope.csv", params={"batch": "B1"})
    assert response.status_code == 401
    (event,) = await trail(api)
    assert (event["operation"], event["ids"], event["outcome"]) == ("GET /recall-scope.{extension}", ["B1"], "DENIED")
