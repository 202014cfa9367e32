"""What a GraphQL answer does not redo (issue 15, bench/http_overhead.py): a repeated query text is parsed and
validated once, while the access guard and the cost limiter still judge every request; a list that is read for
nothing but its references' ids does not look them up. Each answer stays what it was."""

from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from graph import lookup
from tests.conftest import BASE, auth_headers, batch, enterprise, gql, load, shipment, statements_run

GRAPH = (
    *BASE,
    enterprise("R1", roles=["RETAILER"], name="Retailer One"),
    enterprise("R2", roles=["RETAILER"], name="Retailer Two"),
    batch("IN1"),
    batch("OUT", [("IN1", 3)]),
    shipment("S1", "OUT", "R1", quantity=6, shipped_at="2026-03-06"),
    shipment("S2", "IN1", "R2", quantity=2, shipped_at="2026-03-07"),
)

RECALL = """query($ids: [ID!]!) { recallScope(batchIds: $ids) {
  affectedBatches { depth batch { id } } consignees { enterprise { %s } holdings { batch { id } quantity } } } }"""


@pytest.fixture
async def api(client, db):
    await load(db, *GRAPH)
    return client


class Calls:
    """Counts the calls of a function while passing them on (a spy: the real function answers)."""

    def __init__(self, function: Any):
        self.function = function
        self.count = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return self.function(*args, **kwargs)


async def test_a_repeated_query_is_parsed_and_validated_once(api, monkeypatch):
    parse = Calls(strawberry_schema.parse)
    validate = Calls(strawberry_schema.validate)
    monkeypatch.setattr(strawberry_schema, "parse", parse)
    monkeypatch.setattr(strawberry_schema, "validate", validate)
    query = RECALL % "id"
    answers = [await gql(api, query, ids=["IN1"]) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["data"]["recallScope"]["consignees"][0]["enterprise"] == {"id": "R1"}
    assert (parse.count, validate.count) == (1, 1)


async def test_the_guard_judges_each_caller_of_a_cached_query(api):
    query = RECALL % "id"
    assert "errors" not in await gql(api, query, ids=["IN1"])  # admin: cached now
    refused = await gql(api, query, auth_headers("platform", "credit_platform"), ids=["IN1"])
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "errors" not in await gql(api, query, auth_headers("rc-1", "recall_coordinator"), ids=["IN1"])


async def test_the_cost_limiter_judges_the_variables_of_a_cached_query(api):
    query = """query($n: Int!) { enterprise(id: "M") { shipmentsOut(first: $n) { batch { shipments(first: $n) {
      to { shipmentsIn(first: $n) { id } } } } } } }"""
    assert "errors" not in await gql(api, query, n=10)  # cached now
    costly = await gql(api, query, n=1000)
    assert costly["data"] is None
    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_an_invalid_query_is_refused_alike_each_time(api):
    query = '{ recallScope(batchIds: ["IN1"]) { nothingHere } }'
    first, second = await gql(api, query), await gql(api, query)
    assert first == second
    assert first["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_consignees_read_for_their_ids_are_not_looked_up(api, monkeypatch):
    enterprises = Calls(lookup.enterprises)
    monkeypatch.setattr(lookup, "enterprises", enterprises)
    by_id = await gql(api, RECALL % "id", ids=["IN1"])
    assert enterprises.count == 0
    named = await gql(api, RECALL % "id name", ids=["IN1"])
    assert enterprises.count == 1
    consignees = by_id["data"]["recallScope"]["consignees"]
    assert [c["enterprise"] for c in consignees] == [{"id": "R1"}, {"id": "R2"}]
    assert [c["enterprise"] for c in named["data"]["recallScope"]["consignees"]] == [
        {"id": "R1", "name": "Retailer One"},
        {"id": "R2", "name": "Retailer Two"},
    ]


async def test_a_page_of_consignees_read_for_their_ids_is_not_looked_up(api, monkeypatch):
    enterprises = Calls(lookup.enterprises)
    monkeypatch.setattr(lookup, "enterprises", enterprises)
    query = """query($ids: [ID!]!) { recallScope(batchIds: $ids) {
      consigneesPage(first: 1) { items { enterprise { %s } } hasNextPage } } }"""
    by_id = await gql(api, query % "id", ids=["IN1"])
    assert enterprises.count == 0
    named = await gql(api, query % "id name", ids=["IN1"])
    assert enterprises.count == 1
    assert by_id["data"]["recallScope"]["consigneesPage"] == {
        "items": [{"enterprise": {"id": "R1"}}],
        "hasNextPage": True,
    }
    assert named["data"]["recallScope"]["consigneesPage"]["items"] == [
        {"enterprise": {"id": "R1", "name": "Retailer One"}}
    ]


async def test_a_page_of_affected_lots_reads_only_its_lots(api, db, monkeypatch):
    """A page of lots reads its own slice (recall/affected_page), not the whole scope with every lot's shipments,
    and looks up no consignee; asking for a full list as well reads the whole scope once."""
    enterprises = Calls(lookup.enterprises)
    monkeypatch.setattr(lookup, "enterprises", enterprises)
    statements = statements_run(db, monkeypatch)
    query = """query($ids: [ID!]!) { recallScope(batchIds: $ids) {
      affectedBatchesPage(first: 1) { items { depth batch { id } } hasNextPage } } }"""
    body = await gql(api, query, ids=["IN1"])
    page = body["data"]["recallScope"]["affectedBatchesPage"]
    assert page == {"items": [{"depth": 0, "batch": {"id": "IN1"}}], "hasNextPage": True}
    assert "recall/affected_page" in statements and "recall/recall_scope" not in statements
    assert enterprises.count == 0
    statements.clear()
    both = """query($ids: [ID!]!) { recallScope(batchIds: $ids) {
      affectedBatches { batch { id } } edges { quantity } consignees { enterprise { id } } } }"""
    assert "errors" not in await gql(api, both, ids=["IN1"])
    assert statements.count("recall/recall_scope") == 1


@pytest.mark.parametrize(
    "selection",
    [
        "... on Enterprise { id name }",  # a fragment reading more than the id
        "id ... @include(if: true) { name }",  # a directive on the way: looked up, whatever it says
    ],
)
async def test_consignees_read_for_more_than_their_ids_are_looked_up(api, monkeypatch, selection):
    enterprises = Calls(lookup.enterprises)
    monkeypatch.setattr(lookup, "enterprises", enterprises)
    body = await gql(api, RECALL % selection, ids=["IN1"])
    assert enterprises.count == 1
    assert body["data"]["recallScope"]["consignees"][0]["enterprise"]["name"] == "Retailer One"


async def test_contagion_read_for_ids_is_not_looked_up(api, monkeypatch):
    enterprises = Calls(lookup.enterprises)
    monkeypatch.setattr(lookup, "enterprises", enterprises)
    query = '{ contagion(sourceIds: ["M"]) { enterprise { %s } score } }'
    by_id = await gql(api, query % "id")
    assert enterprises.count == 0
    named = await gql(api, query % "id name")
    assert enterprises.count == 1
    assert {e["enterprise"]["id"] for e in by_id["data"]["contagion"]} == {"R1", "R2"}
    assert [e["enterprise"]["id"] for e in by_id["data"]["contagion"]] == [
        e["enterprise"]["id"] for e in named["data"]["contagion"]
    ]
    assert {e["enterprise"]["name"] for e in named["data"]["contagion"]} == {"Retailer One", "Retailer Two"}
