"""Request bodies are capped (MAX_BODY_BYTES, per path MAX_BODY_BYTES_BY_PATH): 413 naming the limit, whether the
size is declared or only found while the body streams; a body that stalls is 408. Both close the connection."""

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from api.main import create_app
from graph.db import Graph
from graph.settings import Settings
from tests.conftest import asgi_client

IMPORT = "mutation($l: String!) { importRecords(ndjson: $l) { ok created } }"
CAP = 2_000


def import_body(size: int) -> bytes:
    """An importRecords request of exactly `size` bytes: one valid enterprise, then blank lines."""
    line = json.dumps({"type": "enterprise", "id": "E1", "name": "Enterprise E1"})
    padding = size - len(json.dumps({"query": IMPORT, "variables": {"l": line}}))
    # A newline is two bytes in JSON ("\\n"); an odd byte is trailing whitespace.
    body = json.dumps({"query": IMPORT, "variables": {"l": line + "\n" * (padding // 2)}}) + " " * (padding % 2)
    assert len(body) == size
    return body.encode()


@pytest.fixture
def capped(settings: Settings, db: Graph):  # type: ignore[no-untyped-def]
    def client(**limits: object) -> httpx.AsyncClient:
        app = create_app(settings.model_copy(update={"max_body_bytes": CAP, **limits}), graph=db)
        return asgi_client(app)

    return client


async def chunks(body: bytes, pause_s: float = 0) -> AsyncIterator[bytes]:
    # An async iterator: httpx sends it chunked, with no Content-Length to decide on in advance.
    for i in range(0, len(body), 500):
        if pause_s and i:
            await asyncio.sleep(pause_s)
        yield body[i : i + 500]


def refused(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["connection"] == "close"
    error = response.json()["error"]
    assert error["code"] == code
    return error["message"]


async def test_a_body_declared_larger_than_the_cap_is_413_naming_the_limit(capped):
    async with capped() as client:
        body = import_body(CAP + 1)
        response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
        message = refused(response, 413, "PAYLOAD_TOO_LARGE")
        assert "MAX_BODY_BYTES" in message and str(CAP) in message
        body = (await client.post("/graphql", json={"query": '{ enterprise(id: "E1") { id } }'})).json()
        assert body == {"data": {"enterprise": None}}  # nothing ran


async def test_a_streamed_body_is_counted_as_it_arrives(capped):
    async with capped() as client:
        response = await client.post(
            "/graphql", content=chunks(import_body(CAP * 3)), headers={"content-type": "application/json"}
        )
        assert "transfer-encoding" in response.request.headers
        assert "MAX_BODY_BYTES" in refused(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_body_within_the_cap_is_served(capped):
    async with capped() as client:
        for content in (import_body(CAP), chunks(import_body(CAP))):
            response = await client.post("/graphql", content=content, headers={"content-type": "application/json"})
            assert response.status_code == 200, response.text
            assert response.json()["data"]["importRecords"]["ok"] is True


async def test_a_path_can_have_its_own_cap_or_none(capped):
    async with capped(max_body_bytes_by_path={"/graphql": None}) as client:
        response = await client.post(
            "/graphql", content=import_body(CAP * 5), headers={"content-type": "application/json"}
        )
        assert response.status_code == 200 and response.json()["data"]["importRecords"]["ok"] is True
    async with capped(max_body_bytes=10**9, max_body_bytes_by_path={"/graphql": CAP}) as client:
        response = await client.post(
            "/graphql", content=import_body(CAP + 1), headers={"content-type": "application/json"}
        )
        assert "MAX_BODY_BYTES_BY_PATH['/graphql']" in refused(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_body_that_stalls_is_408(capped):
    async with capped(api_body_timeout_s=0.05) as client:
        response = await client.post(
            "/graphql", content=chunks(import_body(CAP), pause_s=1.0), headers={"content-type": "application/json"}
        )
        assert "API_BODY_TIMEOUT_S" in refused(response, 408, "REQUEST_TIMEOUT")
