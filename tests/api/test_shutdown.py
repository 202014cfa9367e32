"""Graceful shutdown of `tracegraph serve`: on SIGTERM a request in flight still gets its answer, the process exits
cleanly, and the import jobs it had not finished (one writing, one just posted) are resumed by the next start under
the same ids, to the same graph a run without the restart makes.

The first job is held while writing by a lock, not by its size: the test's own transaction creates the job's last
enterprise and stays open, so the job's batch that merges it waits for it until the signal has stopped the process.
(A job sized to be still writing when the signal came was sometimes done by then on a fast run.)"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from graph.cypher import cypher
from graph.db import Graph
from tests.api.test_serve import _health
from tests.conftest import BASE, ROOT, auth_headers, enterprise, free_port, until_blocked

ADMIN = auth_headers("ops-shutdown", "admin")
FIRST = [*BASE, *(enterprise(f"E{i:03}") for i in range(300))]  # several batches: some written, one held
HELD = FIRST[-1]["id"]  # the enterprise the test creates first, in a transaction it keeps open
SECOND = [enterprise(f"F{i}") for i in range(200)]


def ndjson(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


class Served:
    """`tracegraph serve` in a process of its own, on the test database, with small import batches (slow imports)."""

    def __init__(self, settings: Any, job_dir: Path, log: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "NEO4J_URI": settings.neo4j_uri,
            "NEO4J_USER": settings.neo4j_user,
            "NEO4J_PASSWORD": settings.neo4j_password,
            "CREDIT_SWEEP_INTERVAL_S": "0",
            "IMPORT_BATCH_SIZE": "20",
            "IMPORT_JOB_DIR": str(job_dir),
            "API_GRACEFUL_SHUTDOWN_S": "30",
            "LOG_JSON": "true",
            "AUTH_ISSUERS": ",".join(settings.auth_issuers),  # the tests' issuer, whose tokens the tests send
            "AUTH_AUDIENCE": settings.auth_audience,
        }
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.log = log
        deadline = time.monotonic() + 90
        while _health(self.port) != 200:
            assert self.proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", headers=ADMIN, timeout=60)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


async def status(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


async def test_sigterm_finishes_requests_in_flight_and_the_next_start_resumes_unfinished_jobs(db, settings, tmp_path):
    job_dir, log = tmp_path / "jobs", tmp_path / "serve.log"
    job_dir.mkdir()
    first = Served(settings, job_dir, log)
    session = db.driver.session(database=db.database)
    held = await session.begin_transaction()
    try:
        await held.run(cypher("testing/create_enterprise_node"), id=HELD)  # the index entry's lock, kept
        async with first.client() as client:
            posted = await client.post("/imports", content=ndjson(FIRST))
            assert posted.status_code == 202, posted.text
            one = posted.json()["url"]
            await until_blocked(db, "MERGE (n:Enterprise {id: row.id})")
            assert (await status(client, one))["status"] == "WRITING"

            sent = asyncio.Event()

            async def slow_body() -> AsyncIterator[bytes]:  # an upload still arriving when the signal comes
                yield ndjson(SECOND[:100])
                sent.set()
                await asyncio.sleep(1.0)
                yield ndjson(SECOND[100:])

            upload = asyncio.create_task(client.post("/imports", content=slow_body()))
            await sent.wait()
            await asyncio.sleep(0.2)
            first.proc.send_signal(signal.SIGTERM)
            answered = await upload
            assert answered.status_code == 202, answered.text  # the request in flight got its answer
            two = answered.json()["url"]
        # uvicorn re-raises the signal once it has shut down cleanly: the exit is "by SIGTERM", after the lifespan.
        assert first.proc.wait(60) in (0, -signal.SIGTERM), log.read_text()
        assert "Application shutdown complete" in log.read_text()
    finally:
        first.stop()
        await held.rollback()  # after the process is gone: nothing it held could finish meanwhile
        await session.close()
    assert (await status_after(settings, job_dir, log, one, two)) == (True, True)
    assert await enterprises(db) == len(FIRST) - 1 + len(SECOND)  # BASE holds one enterprise and one product
    # The bodies and manifests are gone; what stays is each job's published view, kept while the job is.
    assert sorted(p.name for p in job_dir.iterdir()) == sorted(
        f"{url.rpartition('/')[2]}.status.json" for url in (one, two)
    )


async def status_after(settings: Any, job_dir: Path, log: Path, *urls: str) -> tuple[bool, ...]:
    """Start again; wait for the jobs to finish; whether each was resumed (all must be DONE)."""
    second = Served(settings, job_dir, log)
    try:
        async with second.client() as client:
            resumed = []
            for url in urls:
                deadline = time.monotonic() + 120
                while (job := await status(client, url))["status"] not in ("DONE", "FAILED"):
                    assert time.monotonic() < deadline, job
                    await asyncio.sleep(0.1)
                assert job["status"] == "DONE", job
                resumed.append(job["resumed"])
            return tuple(resumed)
    finally:
        second.proc.send_signal(signal.SIGTERM)
        second.proc.wait(60)
        second.stop()


async def enterprises(db: Graph) -> int:
    nodes = await db.read("testing/all_nodes")
    return sum("Enterprise" in n["labels"] for n in nodes)
