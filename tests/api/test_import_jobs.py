"""Import jobs over HTTP (issue 11, item 19): POST /imports takes an NDJSON body (gzip allowed, no body cap) as one
all-or-nothing import, answers 202 with the job's URL, and GET /imports/{id} shows status, progress and report."""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from api.main import create_app
from graph import import_jobs
from graph.db import Graph, open_driver
from graph.import_jobs import ImportJobs
from graph.settings import Settings
from tests.conftest import BASE, ISSUER, asgi_client, auth_headers, batch, enterprise, shipment

RECORDS = [*BASE, enterprise("E2"), batch("B1"), shipment("S1", "B1", "E2")]


def body(*records: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode() + b"\n"


async def finished(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    for _ in range(2400):
        job = (await client.get(url)).json()
        if job["status"] in ("DONE", "FAILED"):
            return job
        await asyncio.sleep(0.025)
    raise AssertionError(f"job {url} did not finish: {job}")


async def node_count(db: Graph) -> int:
    return (await db.read("testing/count_nodes"))[0]["nodes"]


async def test_a_posted_file_is_one_import_job_with_status_progress_and_report(client, db):
    response = await client.post("/imports", content=body(*RECORDS), headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "QUEUED"
    assert created["url"] == f"/imports/{created['id']}" == response.headers["location"]
    job = await finished(client, created["url"])
    assert job["status"] == "DONE", job
    assert job["progress"]["lines"] == {"done": len(RECORDS), "total": len(RECORDS)}
    assert job["progress"]["records"]["done"] == job["progress"]["records"]["total"] > len(RECORDS)
    report = job["report"]
    assert (report["ok"], report["dryRun"], report["created"], report["errors"]) == (True, False, len(RECORDS), [])
    assert report["byType"]["shipment"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert set(report) == {"file", "ok", "dryRun", "created", "updated", "unchanged", "byType", "errorCount", "errors"}
    assert job["finishedAt"] >= job["startedAt"] >= job["createdAt"]
    assert await node_count(db) == len(RECORDS)


@pytest.mark.parametrize(
    "headers",
    [{"Content-Encoding": "gzip", "Content-Type": "application/x-ndjson"}, {"Content-Type": "application/gzip"}],
)
async def test_a_gzip_body_is_gunzipped_on_the_way(client, db, headers):
    data = gzip.compress(body(*RECORDS[:3])) + gzip.compress(body(*RECORDS[3:]))  # two members, as `cat a.gz b.gz`
    response = await client.post("/imports", content=data, headers=headers)
    assert response.status_code == 202, response.text
    job = await finished(client, response.json()["url"])
    assert (job["status"], job["report"]["created"]) == ("DONE", len(RECORDS))


async def test_a_bad_file_fails_with_its_errors_by_line_and_writes_nothing(client, db):
    lines = body(*RECORDS) + b'{"type": "enterprise", "id": "E9", "name": "X", "country": "XX"}\n{"type": "nope"}\n'
    job = await finished(client, (await client.post("/imports", content=lines)).json()["url"])
    assert job["status"] == "FAILED" and job["error"] is None
    report = job["report"]
    assert not report["ok"] and report["errorCount"] == 2
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(6, "country"), (7, "type")]
    assert await node_count(db) == 0


async def test_a_dry_run_in_gb18030_validates_and_counts_and_writes_nothing(client, db):
    data = body(*BASE, enterprise("G1", name="新乡市某乳业有限公司")).decode().encode("gb18030")
    response = await client.post("/imports?dryRun=true&encoding=gb18030", content=data)
    job = await finished(client, response.json()["url"])
    assert (job["status"], job["dryRun"], job["encoding"]) == ("DONE", True, "gb18030")
    assert (job["report"]["dryRun"], job["report"]["created"]) == (True, 3)
    assert await node_count(db) == 0
    refused = await finished(client, (await client.post("/imports", content=data)).json()["url"])
    assert refused["status"] == "FAILED"
    assert "gb18030" in refused["report"]["errors"][0]["message"]


@pytest.mark.parametrize(
    ("path", "data", "headers", "message"),
    [
        ("/imports?encoding=klingon", b"{}", {}, "encoding: unknown encoding 'klingon'"),
        ("/imports", b"not gzip", {"Content-Encoding": "gzip"}, "the body is not valid gzip"),
        ("/imports", gzip.compress(b"{}\n" * 1000)[:-30], {"Content-Encoding": "gzip"}, "ends before the end"),
    ],
)
async def test_a_body_that_cannot_become_a_job_is_400(client, db, path, data, headers, message):
    response = await client.post(path, content=data, headers=headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_USER_INPUT" and message in error["message"]


async def test_an_unknown_job_is_404(client):
    response = await client.get("/imports/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_imports_have_no_body_cap_by_default(db):
    """MAX_BODY_BYTES caps other paths; /imports streams its body to disk."""
    settings = db.settings.model_copy(update={"max_body_bytes": 1000})
    app = create_app(settings=settings, graph=db)
    records = [*BASE, *(enterprise(f"E{i}") for i in range(100))]
    async with asgi_client(app) as client:
        assert (await client.post("/graphql", content=b"x" * 2000)).status_code == 413
        response = await client.post("/imports", content=body(*records))
        assert response.status_code == 202, response.text
        job = await finished(client, response.json()["url"])
        assert job["report"]["created"] == len(records)


async def test_jobs_run_one_at_a_time_in_the_order_posted(client, db):
    first = (await client.post("/imports", content=body(*RECORDS, *(enterprise(f"E{i}") for i in range(200))))).json()
    second = (await client.post("/imports", content=body(*RECORDS))).json()
    while (job := (await client.get(first["url"])).json())["status"] not in ("DONE", "FAILED"):
        assert (await client.get(second["url"])).json()["status"] == "QUEUED"
        await asyncio.sleep(0.01)
    later = await finished(client, second["url"])
    assert job["status"] == later["status"] == "DONE"
    assert later["startedAt"] >= job["finishedAt"]
    assert later["report"]["unchanged"] == len(RECORDS)  # the second saw what the first wrote


async def test_a_finished_job_is_kept_for_import_job_keep_s_then_forgotten(db):
    now = [1000.0]
    app = create_app(graph=db)
    app.state.import_jobs = ImportJobs(db, keep_s=60, clock=lambda: now[0])
    async with asgi_client(app) as client:
        url = (await client.post("/imports", content=body(*BASE))).json()["url"]
        await finished(client, url)
        now[0] += 59
        assert (await client.get(url)).status_code == 200
        now[0] += 1
        assert (await client.get(url)).status_code == 404
        await app.state.import_jobs.close()


async def test_past_the_last_finished_jobs_in_memory_a_job_is_answered_from_its_status_file(db, monkeypatch):
    """A process holds only its last FINISHED_IN_MEMORY finished jobs; an older one still answers, alike, from the
    file every job publishes, until keep_s."""
    monkeypatch.setattr(import_jobs, "FINISHED_IN_MEMORY", 1)
    app = create_app(graph=db)
    async with asgi_client(app) as client:
        urls = [(await client.post("/imports", content=body(*BASE))).json()["url"] for _ in range(3)]
        views = [await finished(client, url) for url in urls]
        registry = app.state.import_jobs
        assert [registry.get(v["id"]) is None for v in views] == [True, True, False]
        assert [(await client.get(url)).json() for url in urls] == views


async def test_a_job_whose_database_is_unreachable_fails_in_one_line():
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", credit_sweep_interval_s=0, auth_issuers=[ISSUER.url])
    graph = Graph(open_driver(settings), settings)
    app = create_app(graph=graph)
    try:
        async with asgi_client(app) as client:
            job = await finished(client, (await client.post("/imports", content=body(*RECORDS))).json()["url"])
        assert job["status"] == "FAILED" and job["report"] is None
        assert job["error"].startswith("cannot use Neo4j at bolt://127.0.0.1:1")
    finally:
        await graph.close()


async def test_closing_the_registry_leaves_unfinished_jobs_for_the_next_process_to_resume(db, tmp_path):
    """As at a shutdown: the queued jobs' files stay; a process started after this one has gone resumes them under
    the same ids, and removes the files once they are done."""
    jobs = ImportJobs(db, keep_s=60)
    files = [tmp_path / f"body-{i}.ndjson" for i in range(2)]
    for file in files:
        file.write_bytes(body(*RECORDS))
    queued = [jobs.submit(file, len(RECORDS)) for file in files]
    await jobs.close()  # the worker had not started
    assert [f.exists() for f in files] == [True, True]
    assert [jobs.get(job.id) for job in queued] == [None, None]
    assert await node_count(db) == 0

    assert ImportJobs(db, keep_s=60).resume(tmp_path) == []  # their owner (this process) is still alive
    gone = gone_process()
    for manifest in tmp_path.glob("*.job"):  # as if written by a process that has exited
        body_name, _, _ = manifest.name.removesuffix(".job").rpartition(".")
        manifest.rename(tmp_path / f"{body_name}.{gone}.job")

    after_restart = ImportJobs(db, keep_s=60)
    resumed = after_restart.resume(tmp_path)
    assert sorted(j.id for j in resumed) == sorted(j.id for j in queued)
    assert ImportJobs(db, keep_s=60).resume(tmp_path) == []  # taken: a second process does not run them again
    for job in resumed:
        for _ in range(3000):
            if job.status.finished:
                break
            await asyncio.sleep(0.02)
        assert job.status == "DONE" and job.resumed
    assert await node_count(db) == len(RECORDS)
    # The bodies and manifests are gone; each job's published view stays while the job is kept.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{j.id}.status.json" for j in queued)
    await after_restart.close()


def gone_process() -> str:
    """The owner name (pid and start time) of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{child.pid}-1"


async def test_a_job_is_polled_through_any_worker_sharing_the_job_directory(db, tmp_path):
    """With API_WORKERS > 1 (or replicas sharing IMPORT_JOB_DIR) the poll reaches a process that does not run the
    job: it answers from the view the running process publishes, and keeps a data supplier to its own jobs."""
    settings = db.settings.model_copy(update={"import_job_dir": str(tmp_path)})
    running, other = create_app(settings=settings, graph=db), create_app(settings=settings, graph=db)
    async with asgi_client(running) as poster, asgi_client(other) as poller:
        url = (await poster.post("/imports", content=body(*RECORDS))).json()["url"]
        job = await finished(poller, url)
        assert job == (await poster.get(url)).json()  # the same view, wherever it is read
        assert job["status"] == "DONE" and job["report"]["created"] == len(RECORDS)
        assert job["progress"]["lines"] == {"done": len(RECORDS), "total": len(RECORDS)}
        stranger = auth_headers("supplier-x", "data_supplier", enterprises=["E1"])
        assert (await poller.get(url, headers=stranger)).status_code == 404
        for probe in ("/imports/..%2F..%2Fetc%2Fpasswd", "/imports/" + "0" * 31 + "g"):
            assert (await poller.get(probe)).status_code == 404
        await running.state.import_jobs.close()
