"""A Neo4j that accepts connections and never answers (hung, paused by SIGSTOP, behind a half-open network) is
down as much as a killed one: readiness says so and requests fail with SERVICE_UNAVAILABLE within seconds, well
under the query timeout (15 s), not after the driver's default minute of waiting for a connection."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from api.main import create_app
from graph.db import Graph, open_driver
from graph.settings import Settings
from tests.conftest import ISSUER, asgi_client

FAST_S = 10.0  # the driver's defaults took 60 s; the connection deadline is 5 s


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose listener takes connections into its backlog and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        yield listener.getsockname()[1]


@pytest.fixture
async def hung(silent_port: int) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{silent_port}", credit_sweep_interval_s=0, auth_issuers=[ISSUER.url]
    )
    graph = Graph(open_driver(settings), settings)
    async with asgi_client(create_app(graph=graph)) as client:
        yield client
    await graph.close()


async def timed(request) -> tuple[httpx.Response, float]:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


async def test_readiness_says_a_hung_neo4j_is_down_within_seconds(hung: httpx.AsyncClient):
    response, took = await timed(hung.get("/readyz"))
    assert response.status_code == 503 and response.json()["neo4j"] == "down"
    assert took < FAST_S, took


async def test_a_query_and_a_decision_fail_fast_with_service_unavailable(hung: httpx.AsyncClient):
    query, query_s = await timed(hung.post("/graphql", json={"query": '{ enterprise(id: "E1") { id } }'}))
    mutation = 'mutation { setCreditGrade(enterpriseId: "E1", grade: REGULAR, reason: "r", by: "test-admin") '
    decision, decision_s = await timed(hung.post("/graphql", json={"query": mutation + "{ event { seq } } }"}))
    feed, feed_s = await timed(hung.get("/credit/events"))
    assert query.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert decision.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert feed.status_code == 503 and feed.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert max(query_s, decision_s, feed_s) < FAST_S, (query_s, decision_s, feed_s)
