"""Every test that touches data talks to a real Neo4j:

1. NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) when set; the suite empties that database, so it
   refuses a non-empty one unless TRACEGRAPH_TEST_WIPE=1 says that is intended;
2. else a throwaway Neo4j 5.26 container through testcontainers, when a Docker engine answers;
3. else the project's own local server (ops/neo4j_local.py, instance `test`, port NEO4J_TEST_PORT).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from api.local_issuer import LocalIssuer
from api.main import create_app
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.ingest import ImportReport
from graph.schema import apply_schema
from graph.settings import Settings

# The record builders are seed/builders.py (shared with the demo scenario); these four are also importable from
# here, where the tests have always taken them.
from seed.builders import batch as batch
from seed.builders import enterprise as enterprise
from seed.builders import product as product
from seed.builders import shipment as shipment

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_DIR = Path(os.environ.get("CONTRACT_DIR", ROOT.parent / "shared" / "contract"))


def _docker_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _local_ops():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "ops" / "neo4j_local.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[dict[str, Any]]:
    if uri := os.environ.get("NEO4J_URI"):
        yield {
            "neo4j_uri": uri,
            "neo4j_user": os.environ.get("NEO4J_USER", "neo4j"),
            "neo4j_password": os.environ.get("NEO4J_PASSWORD", ""),
            "guard": True,
        }
    elif _docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community", password="tracegraph-test") as container:
            yield {
                "neo4j_uri": container.get_connection_url(),
                "neo4j_user": "neo4j",
                "neo4j_password": "tracegraph-test",
                "guard": False,
            }
    else:
        ops = _local_ops()
        port = int(os.environ.get("NEO4J_TEST_PORT", "7688"))
        ops.start(ops.Instance("test", port, heap="1g", pagecache="512m", tx_timeout="60s"), wait_seconds=180)
        yield {"neo4j_uri": f"bolt://127.0.0.1:{port}", "neo4j_user": "neo4j", "neo4j_password": "", "guard": False}


# --- the tests' token issuer: the local issuer with a key of its own, its keys served over HTTP ---------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AUDIENCE = "tracegraph-api"
ISSUER = LocalIssuer(
    f"http://127.0.0.1:{free_port()}/auth/local",
    Path(tempfile.mkdtemp(prefix="tracegraph-test-issuer-")) / "keys.json",
    AUDIENCE,
)


class IssuerServer:
    """An issuer's discovery document and keys served by uvicorn on a port of its own, in a thread."""

    def __init__(self, issuer: LocalIssuer):
        port = int(issuer.url.split(":")[2].split("/")[0])
        served = Starlette(routes=[Mount("/auth/local", issuer.asgi())])
        self.paths: list[str] = []  # every path requested, in order

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.paths.append(scope["path"])
            await served(scope, receive, send)

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> IssuerServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test issuer did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def issuer_server() -> Iterator[IssuerServer]:
    with IssuerServer(ISSUER) as server:
        yield server


@cache
def bearer(subject: str, roles: tuple[str, ...], enterprises: tuple[str, ...] = ()) -> str:
    return ISSUER.token(subject, roles, enterprises, ttl_s=12 * 3600)


@pytest.fixture(scope="session")
def settings(neo4j_target: dict[str, Any]) -> Settings:
    fields = {k: v for k, v in neo4j_target.items() if k != "guard"}
    return Settings(
        **fields,
        import_batch_size=50,  # small batches: the tests cross batch boundaries
        auth_issuers=[ISSUER.url],
        auth_audience=AUDIENCE,
        auth_local_issuer=False,
    )


@pytest.fixture(scope="session")
async def graph(settings: Settings, neo4j_target: dict[str, Any]) -> AsyncIterator[Graph]:
    g = Graph(open_driver(settings), settings)
    if neo4j_target["guard"] and os.environ.get("TRACEGRAPH_TEST_WIPE") != "1":
        count = (await g.read("testing/count_nodes"))[0]["nodes"]
        if count:
            pytest.exit(
                f"NEO4J_URI points at a database with {count} nodes; the tests empty it. "
                "Set TRACEGRAPH_TEST_WIPE=1 if that is intended.",
                returncode=2,
            )
    await apply_schema(g)
    yield g
    await g.close()


@pytest.fixture
async def db(graph: Graph) -> Graph:
    """The graph, emptied: each test starts from nothing."""
    await graph.write("testing/wipe_all")
    return graph


ADMIN = ("test-admin", "admin")


def asgi_client(app: Any, headers: dict[str, str] | None = None, base_url: str = "http://test") -> httpx.AsyncClient:
    """A client of `app` in process; by default it calls as an admin (headers=auth_headers(...) per request, or
    here, call as someone else; headers={} calls with no token)."""
    headers = auth_headers(*ADMIN) if headers is None else headers
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, headers=headers)


@pytest.fixture
async def client(db: Graph) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(graph=db)
    async with asgi_client(app) as c:
        yield c


def statements_run(db: Graph, monkeypatch: pytest.MonkeyPatch, method: str = "read") -> list[str]:
    """The names of the statements db.read (or db.write, ...) runs from now on."""
    names: list[str] = []
    real = getattr(db, method)

    async def run(name: str, **params: Any) -> Any:
        names.append(name)
        return await real(name, **params)

    monkeypatch.setattr(db, method, run)
    return names


async def until_blocked(db: Graph, statement: str) -> None:
    """Wait until a transaction running `statement` (a line of its text) is blocked on a lock: how a test that holds
    a lock orders a concurrent writer behind it without timing."""
    for _ in range(400):  # a bound, not a timing assumption: the waiter is seen queued well before
        if any(statement in r["query"] for r in await db.read("testing/blocked_transactions")):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"no transaction running {statement!r} queued behind the held locks")


def ndjson(*records: dict[str, Any]) -> list[str]:
    return [json.dumps(r) for r in records]


async def load(graph: Graph, *records: dict[str, Any]) -> ImportReport:
    """Import records that must be valid; fail the test with the errors otherwise."""
    report = await import_lines(graph, ndjson(*records))
    assert report.ok, report.errors
    return report


async def gql(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    """Run an operation (as the client's caller, or as `headers` say: auth_headers(...)); it must answer 200."""
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def auth_headers(subject: str, *roles: str, enterprises: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers of a request made by `subject` with `roles` (for data suppliers, on behalf of `enterprises`).

    Every test that depends on who calls goes through here, so the way a caller is named changes in one place: a
    bearer token signed by the tests' issuer (ISSUER), whose keys the app fetches over HTTP as it would a realm's."""
    return {"Authorization": f"Bearer {bearer(subject, tuple(sorted(roles)), tuple(sorted(enterprises)))}"}


# --- the maker M and product P1 that most tests' lots refer to (the builders' defaults) ----------------------------

BASE = (enterprise("M", roles=["MANUFACTURER"], country="CN"), product("P1"))
