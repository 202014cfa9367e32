"""With Neo4j unreachable every endpoint still answers, and says so: REST 503 SERVICE_UNAVAILABLE (as GraphQL's
extensions.code), readiness 503, liveness 200."""

from collections.abc import AsyncIterator

import httpx
import pytest

from api.main import create_app
from graph.db import Graph, open_driver
from graph.settings import Settings
from tests.conftest import ISSUER, asgi_client


@pytest.fixture
async def down() -> AsyncIterator[httpx.AsyncClient]:
    # Port 1: nothing listens there, so every connection is refused at once.
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", credit_sweep_interval_s=0, auth_issuers=[ISSUER.url])
    graph = Graph(open_driver(settings), settings)
    app = create_app(graph=graph)
    async with asgi_client(app) as client:
        yield client
    await graph.close()


@pytest.mark.parametrize(
    "path", ["/recall-scope.csv?batch=A", "/credit/events", "/credit/events?limit=5", "/recalls/R-1.csv"]
)
async def test_rest_answers_503_service_unavailable(down, path):
    response = await down.get(path)
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert "not reachable" in error["message"]
    assert response.headers.get("retry-after")


async def test_bad_arguments_are_still_400_before_the_database_is_asked(down):
    response = await down.get("/credit/events?limit=0")
    assert response.status_code == 400 and "limit" in response.json()["error"]["message"]


async def test_graphql_says_service_unavailable_and_health_tells_alive_from_ready(down):
    body = (await down.post("/graphql", json={"query": '{ enterprise(id: "E1") { id } }'})).json()
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert (await down.get("/healthz")).status_code == 200
    assert (await down.get("/readyz")).status_code == 503
