"""A capture job whose process is gone (ops/faults.py api-epcis: the API killed with SIGKILL mid-capture) reads as
ended without success, interrupted, instead of `running: true` for ever; one whose process runs reads as running,
and renews its heartbeat meanwhile, by which a reader on another host tells it from a dead one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid

from bench.epcis_capture import chain_events, document
from graph.db import Graph
from graph.epcis import capture
from tests.conftest import ROOT

# A capture in a process of its own that stops for good once it stores its first events (its progress callback
# blocks), so that the kill surely comes in the middle of it.
CAPTURING = """
import asyncio, sys, time
from bench.epcis_capture import chain_events, document
from graph.db import Graph, open_driver
from graph.epcis import capture
from graph.settings import Settings

def progress(stage, done, total):
    print(f"capturing {stage}", flush=True)
    time.sleep(3600)

async def main():
    settings = Settings()
    graph = Graph(open_driver(settings), settings)
    await capture.capture(graph, document(chain_events(40)), captured_by="killed", progress=progress)

asyncio.run(main())
"""


def on(graph: Graph, heartbeat_s: float) -> Graph:
    """The same database, read by a process configured with another heartbeat."""
    return Graph(graph.driver, graph.settings.model_copy(update={"epcis_capture_heartbeat_s": heartbeat_s}))


async def test_a_capture_whose_process_was_killed_reads_as_interrupted_not_running(db: Graph):
    env = {
        **os.environ,
        "NEO4J_URI": db.settings.neo4j_uri,
        "NEO4J_USER": db.settings.neo4j_user,
        "NEO4J_PASSWORD": db.settings.neo4j_password,
    }
    proc = subprocess.Popen(  # noqa: ASYNC220  (started once; the test waits on it in a thread)
        [sys.executable, "-c", CAPTURING],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 120)  # type: ignore[union-attr]
        assert line.startswith("capturing"), line + proc.stdout.read()  # type: ignore[union-attr]
        [job] = await capture.capture_jobs(db, "killed")
        assert job["running"] is True  # its process is there, if stuck
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)

    after = await capture.capture_job(db, job["captureID"])
    assert after is not None
    assert (after["running"], after["success"]) == (False, False)
    assert [e["title"] for e in after["errors"]] == ["capture interrupted"]
    assert await capture.capture_jobs(db, "killed") == [after]  # the list says the same


async def test_a_capture_of_another_host_reads_as_interrupted_once_its_heartbeat_is_three_beats_old(db: Graph):
    job = {
        "captureID": uuid.uuid4().hex,
        "createdAt": "2026-12-01T00:00:00.000Z",
        "createdAtMs": 0,
        "running": True,
        "success": None,
        "captureErrorBehaviour": "rollback",
        "errors": "[]",
        "capturedBy": "elsewhere",
        "owner": "another-host/1-1",
    }
    await db.write("epcis/save_capture", job=job)  # its heartbeat: now
    assert (await capture.capture_job(on(db, 60), job["captureID"]))["running"] is True  # type: ignore[index]
    await asyncio.sleep(0.2)
    stale = await capture.capture_job(on(db, 0.05), job["captureID"])  # 3 beats are 150 ms: missed
    assert stale is not None and (stale["running"], stale["success"]) == (False, False)
    assert stale["errors"][0]["title"] == "capture interrupted"


async def test_a_running_capture_renews_its_heartbeat_and_reads_as_running_throughout(db: Graph):
    beating = on(db, 0.05)
    task = asyncio.create_task(capture.capture(beating, document(chain_events(1200)), captured_by="alive"))
    beats, taken_for_gone = set(), []
    while not task.done():
        rows = await db.read("epcis/captures", capturedBy="alive", limit=1)
        if rows and rows[0]["job"]["running"]:
            beats.add(rows[0]["job"]["heartbeatAtMs"])
            # as a reader configured with the 50 ms heartbeat decides: its process is here, so never gone
            taken_for_gone.append(capture.interrupted(rows[0]["job"], rows[0]["nowMs"], 0.05))
        await asyncio.sleep(0.2)
    outcome = await task
    assert len(beats) > 1  # renewed while it ran, not only saved at its start
    assert taken_for_gone and not any(taken_for_gone)
    [job] = await capture.capture_jobs(db, "alive")
    assert (job["running"], job["success"], job["captureID"]) == (False, True, outcome.capture_id)
