"""GET /metrics in the Prometheus text format: after a few requests, the counters and histograms that describe them
have moved by exactly what was done (requests by route template, GraphQL operations by name and outcome, import rows
by record type and outcome, Neo4j errors by kind). The process's metrics accumulate across tests: each test compares
two scrapes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api import metrics
from api.main import create_app
from graph.db import Graph, open_driver
from graph.settings import Settings
from tests.conftest import ISSUER, asgi_client, enterprise, gql, ndjson, product


@pytest.fixture(autouse=True)
def fresh_operation_names() -> None:
    """Names labelled by earlier tests of the session do not count against the bound."""
    metrics.operation_names.clear()


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

IMPORT = "mutation Import($l: String!) { importRecords(ndjson: $l) { ok created updated unchanged } }"


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def test_http_requests_by_method_route_template_and_status(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    for _ in range(2):
        assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/recalls/R-NOPE.csv")).status_code == 404
    assert (await client.get("/no/such/page")).status_code == 404
    assert (await client.get("/static/web/graphiql-page.js")).status_code == 200
    after = await scrape(client)

    requests = "tracegraph_http_requests_total"
    assert moved(before, after, requests, method="GET", route="/healthz", status="200") == 2
    # The template, not the path: one series for every recall id.
    assert moved(before, after, requests, method="GET", route="/recalls/{recall_id}.{extension}", status="404") == 1
    assert moved(before, after, requests, method="GET", route="(none)", status="404") == 1
    assert moved(before, after, requests, method="GET", route="/static/web/{path}", status="200") == 1
    assert not any(name == requests and ("route", "/recalls/R-NOPE.csv") in labels for name, labels in after)
    latency = "tracegraph_http_request_duration_seconds"
    assert moved(before, after, f"{latency}_count", method="GET", route="/healthz") == 2
    assert moved(before, after, f"{latency}_bucket", method="GET", route="/healthz", le="+Inf") == 2
    assert moved(before, after, f"{latency}_sum", method="GET", route="/healthz") > 0


async def test_graphql_operations_by_name_and_outcome(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    await gql(client, 'query LookUp { batch(id: "B-NONE") { id } }')
    await gql(client, 'query LookUp { enterprise(id: "E-NONE") { id } }')
    await gql(client, '{ product(id: "P-NONE") { id } }')
    bad = await gql(client, 'query TooDeep { traceBack(batchId: "B", maxDepth: 0) { root { id } } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    invalid = await gql(client, "query Typo { batchez { id } }")
    assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    after = await scrape(client)

    ops = "tracegraph_graphql_operations_total"
    assert moved(before, after, ops, operation="LookUp", type="query", outcome="ok") == 2
    assert moved(before, after, ops, operation="(anonymous)", type="query", outcome="ok") == 1
    assert moved(before, after, ops, operation="TooDeep", type="query", outcome="BAD_USER_INPUT") == 1
    assert moved(before, after, ops, operation="Typo", type="query", outcome="GRAPHQL_VALIDATION_FAILED") == 1
    latency = "tracegraph_graphql_operation_duration_seconds_count"
    assert moved(before, after, latency, operation="LookUp", type="query") == 2
    # Each operation is one HTTP request too.
    assert moved(before, after, "tracegraph_http_requests_total", method="POST", route="/graphql", status="200") == 5


async def test_import_rows_by_record_type_and_outcome(client: httpx.AsyncClient) -> None:
    records = [enterprise("E1"), enterprise("E2"), product("P1")]
    before = await scrape(client)
    first = (await gql(client, IMPORT, l="\n".join(ndjson(*records))))["data"]["importRecords"]
    assert first == {"ok": True, "created": 3, "updated": 0, "unchanged": 0}
    renamed = [enterprise("E1", name="Renamed"), enterprise("E2"), product("P1")]
    second = (await gql(client, IMPORT, l="\n".join(ndjson(*renamed))))["data"]["importRecords"]
    assert second == {"ok": True, "created": 0, "updated": 1, "unchanged": 2}
    refused = (await gql(client, IMPORT, l='{"type": "enterprise"}'))["data"]["importRecords"]
    assert refused["ok"] is False
    after = await scrape(client)

    rows = "tracegraph_import_rows_total"
    assert moved(before, after, rows, type="enterprise", outcome="created") == 2
    assert moved(before, after, rows, type="product", outcome="created") == 1
    assert moved(before, after, rows, type="enterprise", outcome="updated") == 1
    assert moved(before, after, rows, type="enterprise", outcome="unchanged") == 1
    assert moved(before, after, rows, type="product", outcome="unchanged") == 1
    assert moved(before, after, "tracegraph_imports_total", result="written") == 2
    assert moved(before, after, "tracegraph_imports_total", result="rejected") == 1


@pytest.fixture
async def down() -> AsyncIterator[httpx.AsyncClient]:
    # Port 1: nothing listens there, so the driver's every connection is refused at once.
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", credit_sweep_interval_s=0, auth_issuers=[ISSUER.url])
    graph = Graph(open_driver(settings), settings)
    app = create_app(graph=graph)
    async with asgi_client(app) as client:
        yield client
    await graph.close()


async def test_neo4j_errors_by_kind_from_rest_and_graphql(down: httpx.AsyncClient) -> None:
    before = await scrape(down)
    assert (await down.get("/recall-scope.csv?batch=A")).status_code == 503
    answer = await gql(down, 'query Down { enterprise(id: "E1") { id } }')
    assert answer["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    after = await scrape(down)

    assert moved(before, after, "tracegraph_neo4j_errors_total", kind="ServiceUnavailable", code="") == 2
    ops = "tracegraph_graphql_operations_total"
    assert moved(before, after, ops, operation="Down", type="query", outcome="SERVICE_UNAVAILABLE") == 1
    http = "tracegraph_http_requests_total"
    assert moved(before, after, http, method="GET", route="/recall-scope.{extension}", status="503") == 1


async def test_operation_names_chosen_by_clients_are_bounded(client: httpx.AsyncClient) -> None:
    """Each label value is a series kept for the life of the process: past MAX_OPERATION_NAMES names, "(other)"."""
    before = await scrape(client)
    for i in range(metrics.MAX_OPERATION_NAMES):
        await gql(client, f'query Generated{i} {{ batch(id: "B") {{ id }} }}')
    await gql(client, 'query OneTooMany { batch(id: "B") { id } }')
    await gql(client, 'query Generated0 { batch(id: "B") { id } }')
    after = await scrape(client)
    ops = "tracegraph_graphql_operations_total"
    assert moved(before, after, ops, operation="OneTooMany", type="query", outcome="ok") == 0
    assert moved(before, after, ops, operation="(other)", type="query", outcome="ok") == 1
    assert moved(before, after, ops, operation="Generated0", type="query", outcome="ok") == 2


@pytest.fixture
async def no_such_database(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real server, asked for a database it does not have: it refuses with a status code of its own."""
    wrong = settings.model_copy(update={"neo4j_database": "nosuchdb", "credit_sweep_interval_s": 0})
    graph = Graph(open_driver(wrong), wrong)
    app = create_app(graph=graph)
    async with asgi_client(app) as client:
        yield client
    await graph.close()


async def test_neo4j_errors_carry_the_servers_status_code(no_such_database: httpx.AsyncClient) -> None:
    before = await scrape(no_such_database)
    answer = await gql(no_such_database, 'query Lost { enterprise(id: "E1") { id } }')
    assert answer["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    refused = await no_such_database.get("/credit/events")  # a ClientError on REST: the JSON 500, with a reference
    assert refused.status_code == 500 and refused.json()["error"]["code"] == "INTERNAL_SERVER_ERROR"
    after = await scrape(no_such_database)

    code = "Neo.ClientError.Database.DatabaseNotFound"
    assert moved(before, after, "tracegraph_neo4j_errors_total", kind="ClientError", code=code) == 2
