"""The cap on objects one answer may hold (GRAPHQL_MAX_OBJECTS): what the data really returns, counted while the
answer is built, ends the request with one clear error instead of a huge answer (issue 9 item 3)."""

import pytest

from api.gql.object_cap import DROPPED_COROUTINE
from api.main import create_app
from tests.conftest import BASE, asgi_client, batch, enterprise, gql, load, shipment

# Cancelling an execution leaves coroutines graphql-core made but never started; api/gql/object_cap.py silences
# those warnings in the server, pytest restores the default filters for each test.
pytestmark = pytest.mark.filterwarnings(f"ignore:{DROPPED_COROUTINE}:RuntimeWarning")

# M sent ten shipments of one lot to R: each shipment's lot has the same ten shipments.
DATA = (*BASE, enterprise("R"), batch("B"), *(shipment(f"S{i}", "B", "R") for i in range(10)))
NESTED = '{ enterprise(id: "M") { shipmentsOut { id batch { shipments { id to { id } } } } } }'  # 10 + 10 * 10


@pytest.fixture
async def capped(db):
    """The API with a cap of 60 objects."""
    await load(db, *DATA)
    app = create_app(db.settings.model_copy(update={"graphql_max_objects": 60}), graph=db)
    async with asgi_client(app) as client:
        yield client


async def test_an_answer_over_the_cap_is_refused_whole_with_one_error(capped):
    body = await gql(capped, NESTED)
    assert body["data"] is None  # not a partial answer
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RESULT_TOO_LARGE"
    assert error["message"].startswith("the answer would hold more than 60 objects (GRAPHQL_MAX_OBJECTS), reached at ")
    assert error["message"].endswith("; ask for smaller pages (first) or fewer nested lists")
    assert "enterprise.shipmentsOut." in error["message"]  # where the answer outgrew the cap


async def test_an_answer_within_the_cap_is_whole(capped):
    body = await gql(capped, NESTED.replace("batch { shipments {", "batch { shipments(first: 5) {"))  # 10 + 50
    assert "errors" not in body
    shipments = body["data"]["enterprise"]["shipmentsOut"]
    assert len(shipments) == 10
    assert all(len(s["batch"]["shipments"]) == 5 for s in shipments)


async def test_the_cap_counts_one_request_at_a_time(capped):
    query = NESTED.replace("batch { shipments {", "batch { shipments(first: 5) {")
    for _ in range(3):
        body = await gql(capped, query)
        assert "errors" not in body


async def test_aliases_share_one_cap(capped):
    query = '{ enterprise(id: "M") { a: shipmentsOut { id } b: shipmentsOut { id } } }'
    assert "errors" not in await gql(capped, query)  # 20
    many = '{ enterprise(id: "M") { ' + " ".join(f"a{i}: shipmentsOut {{ id }}" for i in range(7)) + " } }"
    body = await gql(capped, many)  # 70
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RESULT_TOO_LARGE"]


async def test_credit_lists_count_too(db):
    await load(db, *DATA)
    app = create_app(db.settings.model_copy(update={"graphql_max_objects": 35}), graph=db)
    async with asgi_client(app) as client:
        for grade in ("CERTIFIED", "REGULAR"):  # two credit events of M
            decision = (
                f'mutation {{ setCreditGrade(enterpriseId: "M", grade: {grade}, reason: "r", by: "test-admin") {{ '
            )
            decision += "event { seq } } }"
            assert (await gql(client, decision))["data"]["setCreditGrade"]["event"]
        lists = '{ enterprise(id: "M") { shipmentsOut { id from { creditHistory { seq } } } } }'  # 10 + 10 * 2
        assert "errors" not in await gql(client, lists)
        body = await gql(
            client,
            lists.replace("from {", "from { blacklistEntries { id } ").replace(
                "shipmentsOut {", "shipmentsOut { batch { shipments { id } } "
            ),
        )  # + 10 * 10
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RESULT_TOO_LARGE"]


async def test_a_failing_field_leaves_other_fields_waiting_on_the_same_data_their_answer(client, db):
    # x's ties fail while x's and y's shipmentsOut wait on one loader answer; graphql-core cancels x's wait, which
    # cancelled that shared answer for y too: the CancelledError escaped and the request had no response (a 500).
    await load(db, *DATA)
    query = """{ x: enterprise(id: "M") { shipmentsOut { id } ties(first: 0) { kind } }
                 y: enterprise(id: "M") { shipmentsOut { id } } }"""
    body = await gql(client, query)
    assert body["data"]["x"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert [s["id"] for s in body["data"]["y"]["shipmentsOut"]] == [f"S{i}" for i in range(10)]


async def test_a_mutation_answer_is_not_capped_after_its_write(capped):
    # Refusing the answer of a committed write would tell the client it failed; its size is bounded by the cost.
    mutation = """mutation { setCreditGrade(enterpriseId: "M", grade: CERTIFIED, reason: "audit", by: "test-admin") {
      enterprise { creditGrade shipmentsOut { batch { shipments { id } } } } } }"""
    body = await gql(capped, mutation)
    assert "errors" not in body
    enterprise = body["data"]["setCreditGrade"]["enterprise"]
    assert enterprise["creditGrade"] == "CERTIFIED"
    assert sum(len(s["batch"]["shipments"]) for s in enterprise["shipmentsOut"]) == 100
