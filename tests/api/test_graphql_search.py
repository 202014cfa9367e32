"""Search over GraphQL: the investigator's pages, person(id) with its seats, BAD_USER_INPUT naming the argument,
and the cost of a page charged by its `first`."""

from __future__ import annotations

import pytest
from graphql import parse

from api.gql.cost import query_cost
from api.gql.schema import build_schema
from graph.settings import Settings
from seed.builders import link, person
from tests.conftest import batch, enterprise, gql, load, product, shipment

SCHEMA = build_schema(Settings())._schema
USCC = "91410702MAP306MQ4L"

ENTERPRISES = """query($text: String!, $first: Int!, $after: String) {
  searchEnterprises(text: $text, first: $first, after: $after) { items { id name uscc } endCursor hasNextPage } }"""


@pytest.fixture
async def api(client, db):
    await load(
        db,
        enterprise("ENT-XX-DAIRY", name="新乡市某乳业有限公司", uscc=USCC),
        enterprise("ENT-NZ-01", name="Acme Dairy Exports Ltd"),
        enterprise("M", name="新乡市食品厂"),
        product("P1"),
        batch("B1", producedAt="2026-03-01"),
        batch("B2", producedAt="2026-03-20"),
        shipment("S1", "B1", "ENT-XX-DAIRY", declaration="420120260000123456"),
        person("P-1", "张伟"),
        link("LEGAL_REPRESENTATIVE", "P-1", "ENT-XX-DAIRY"),
        link("SHAREHOLDER", "P-1", "ENT-NZ-01", share=0.25),
    )
    return client


async def test_enterprises_by_chinese_substring_latin_case_and_uscc(api):
    body = await gql(api, ENTERPRISES, text="乳业", first=10)
    assert body["data"]["searchEnterprises"]["items"] == [
        {"id": "ENT-XX-DAIRY", "name": "新乡市某乳业有限公司", "uscc": USCC}
    ]
    body = await gql(api, ENTERPRISES, text="acme", first=10)
    assert [e["id"] for e in body["data"]["searchEnterprises"]["items"]] == ["ENT-NZ-01"]
    body = await gql(api, ENTERPRISES, text=USCC, first=10)
    assert [e["id"] for e in body["data"]["searchEnterprises"]["items"]] == ["ENT-XX-DAIRY"]


async def test_paging_through_more_than_one_page_with_a_write_between(api, db):
    first = (await gql(api, ENTERPRISES, text="新乡市", first=1))["data"]["searchEnterprises"]
    assert ([e["id"] for e in first["items"]], first["hasNextPage"]) == (["ENT-XX-DAIRY"], True)
    await load(db, enterprise("ENT-AA", name="新乡市后来"), enterprise("ZZZ", name="新乡市最后"))
    second = (await gql(api, ENTERPRISES, text="新乡市", first=1, after=first["endCursor"]))["data"]
    third = await gql(api, ENTERPRISES, text="新乡市", first=5, after=second["searchEnterprises"]["endCursor"])
    assert [e["id"] for e in second["searchEnterprises"]["items"]] == ["M"]
    page = third["data"]["searchEnterprises"]
    assert ([e["id"] for e in page["items"]], page["hasNextPage"]) == (["ZZZ"], False)


async def test_batches_by_dates_and_shipments_by_declaration(api):
    body = await gql(
        api,
        """{ searchBatches(producerId: "M", producedFrom: "2026-03-01", producedTo: "2026-03-10")
               { items { id producer { id } } hasNextPage }
             searchShipments(declaration: "4201") { items { id declaration to { id } } } }""",
    )
    assert body["data"]["searchBatches"] == {"items": [{"id": "B1", "producer": {"id": "M"}}], "hasNextPage": False}
    assert body["data"]["searchShipments"]["items"] == [
        {"id": "S1", "declaration": "420120260000123456", "to": {"id": "ENT-XX-DAIRY"}}
    ]


async def test_a_person_with_the_enterprises_it_sits_in_and_how(api):
    body = await gql(
        api,
        """{ searchPersons(text: "张") { items { id name } }
             person(id: "P-1") { name enterprises { enterprise { id name } role share } }
             nobody: person(id: "P-9") { id } }""",
    )
    assert body["data"]["searchPersons"]["items"] == [{"id": "P-1", "name": "张伟"}]
    assert body["data"]["person"]["enterprises"] == [
        {"enterprise": {"id": "ENT-NZ-01", "name": "Acme Dairy Exports Ltd"}, "role": "SHAREHOLDER", "share": 0.25},
        {
            "enterprise": {"id": "ENT-XX-DAIRY", "name": "新乡市某乳业有限公司"},
            "role": "LEGAL_REPRESENTATIVE",
            "share": None,
        },
    ]
    assert body["data"]["nobody"] is None


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ searchEnterprises(text: " ") { hasNextPage } }', "text"),
        ('{ searchPersons(text: "") { hasNextPage } }', "text"),
        ('{ searchEnterprises(text: "a", first: 0) { hasNextPage } }', "first"),
        ('{ searchShipments(declaration: "4", first: 1001) { hasNextPage } }', "first"),
        ('{ searchEnterprises(text: "a", after: "bm9wZQ") { hasNextPage } }', "after"),
        ('{ searchBatches(producedFrom: "2026-04-01", producedTo: "2026-03-01") { hasNextPage } }', "producedTo"),
        ('{ searchBatches(producedFrom: "March") { hasNextPage } }', "producedFrom"),
    ],
)
async def test_bad_arguments_are_bad_user_input_naming_the_argument(api, query, argument):
    body = await gql(api, query)
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", argument)


def test_a_page_is_charged_by_its_first():
    small = query_cost(SCHEMA, parse('{ searchEnterprises(text: "a", first: 10) { items { id } } }'))
    large = query_cost(SCHEMA, parse('{ searchEnterprises(text: "a", first: 1000) { items { id } } }'))
    nested = query_cost(SCHEMA, parse("{ searchBatches(first: 100) { items { shipments(first: 50) { id } } } }"))
    assert (small.total, large.total) == (11, 1001)
    assert nested.total == 1 + 100 + 100 * 50
    assert "items(first: 100)" in " ".join(str(f) for f in nested.factors)
