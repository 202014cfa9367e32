"""Fault injection (`make faults`): kill -9 the Neo4j server, the API process and the CLI at random points of large
imports, import jobs, EPCIS captures and credit decisions; restart, re-run or resume, and compare the graph with a
clean run of the same input.

    python ops/faults.py [--size S | --batches N] [--port 7691] [--api-port 8820] [--seed 1] [--scenario NAME ...]

Each scenario runs on a Neo4j instance of its own (`faults`, emptied first) and compares with the clean run of its
input (one clean run per input: the data set imported; the data set imported and then the credit decisions; an EPCIS
document captured):

- neo4j-import: `tracegraph import`, Neo4j killed once a random share (20-80 %) of the nodes is written; while it is
  down the service's /readyz answers 503 and a read, a decision and a REST read fail at once with
  SERVICE_UNAVAILABLE; Neo4j started again (crash recovery), the same service answers again by itself; re-run.
- cli-import: the `tracegraph import` process killed at a random share; re-run.
- api-job: the API process (uvicorn, `tracegraph serve`) killed while it writes a POST /imports job; started again,
  it resumes the job under the same id (graph/import_jobs.py), which ends DONE.
- neo4j-job: Neo4j killed while the API writes an import job: the running server says so (/readyz, fail fast,
  over HTTP), recovers by itself once Neo4j is back; the job failed, and is posted again.
- api-epcis: the API killed during POST /epcis/capture of an EPCIS 2.0 document; started again, the client posts the
  same document again.
- neo4j-credit / cli-credit: credit decisions (downgrade reviews opened and approved by two officers, regulators'
  grade decisions, a sweep that ends every listing), Neo4j or the deciding process killed at a random share of the
  clean run's credit events; the decider resumes as a client does: the decision it had no answer for is asked again.

Compared: nodes by label, relationships by type (ties and signals among them), the properties of a sample of record
nodes, every enterprise's grades, the credit events as (enterprise, kind, from, to) with their seq gap-free from 1,
the downgrade reviews as (enterprise, status), the audit trail's seq gap-free, and the capture jobs that still read
as running once every capture has ended. Lost, duplicated and out-of-step counts are printed per scenario with a
JSON line; any that is not zero fails the run (exit status 1).

Interrupted itself (Ctrl-C, SIGTERM, SIGHUP: `make faults` passes its SIGTERM on), the run stops where it is, ends
every process it started (the API, the CLI, the decider: SIGTERM, then SIGKILL after 10 s) and stops its Neo4j
instance, then exits with 128 + the signal's number.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import gzip
import importlib.util
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages
    sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "ops" / "neo4j_local.py")
ops = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(ops)  # type: ignore[union-attr]

from api.local_issuer import LocalIssuer  # noqa: E402  (after the ops module, which must load before the app)
from graph import credit, migrations, reviews  # noqa: E402
from graph.db import Graph, open_driver  # noqa: E402
from graph.epcis import capture as epcis_capture  # noqa: E402
from graph.errors import DomainError  # noqa: E402
from graph.records import CreditGrade  # noqa: E402
from graph.settings import Settings  # noqa: E402

SAMPLE = 300  # nodes whose properties are compared
DERIVED_CLOCKS = ("AtMs", "SinceMs")  # properties ending so are times of evaluation, not data: they differ by run
# Nodes whose ids a run draws itself (dated or random): compared by what they say, not sampled by id.
RUN_LABELS = {"EpcisCapture", "DowngradeReview", "Lease", "SchemaMigration", "Sequence", "CreditEvent"}
CLI = [sys.executable, "-c", "from api.cli import main; main()"]
FAIL_FAST_S = 5.0  # "at once": well under the service's 15 s query timeout and the 120 s write timeout
SWEEP_AT_MS = 4_102_444_800_000  # 2100-01-01: every listing of the generated data has ended by then
GRADES = [CreditGrade.ADVANCED_CERTIFIED, CreditGrade.CERTIFIED, CreditGrade.REGULAR, CreditGrade.DISHONEST]
OFFICERS = ("faults-officer-a", "faults-officer-b")


def say(message: str) -> None:
    print(f"[faults] {message}", flush=True)


class Failed(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"[faults] {message}")


# --- the processes: the CLI, the decider, the API ------------------------------------------------------------------

CHILDREN: list[subprocess.Popen[bytes]] = []  # every process this run started (but Neo4j: ops/neo4j_local.py's)
END_GRACE_S = 10.0  # a child told to end (SIGTERM) that is still there after this is killed


def spawn(args: list[str], **options: Any) -> subprocess.Popen[bytes]:
    proc: subprocess.Popen[bytes] = subprocess.Popen(args, cwd=ROOT, **options)
    CHILDREN.append(proc)
    return proc


def end_children() -> None:
    """End every child still running: SIGTERM (the API shuts down, the CLI's transaction rolls back), then SIGKILL
    for those still there after END_GRACE_S. Each exit of the run calls it (finally, atexit): none outlives it."""
    running = [p for p in CHILDREN if p.poll() is None]
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    deadline = time.monotonic() + END_GRACE_S
    for proc in running:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
    CHILDREN[:] = [p for p in CHILDREN if p.poll() is None]


def child_env(uri: str, **extra: str) -> dict[str, str]:
    # The harness measures loss and duplication, not latency: a store just recovered from a crash reads from a cold
    # page cache, and on a loaded machine a lookup then outlasts the service's 15 s read cap.
    return {**os.environ, "NEO4J_URI": uri, "LOG_LEVEL": "WARNING", "QUERY_TIMEOUT_S": "120", **extra}


def run_import(file: Path, uri: str) -> subprocess.Popen[bytes]:
    return spawn(
        [*CLI, "import", str(file), "--json"],
        env=child_env(uri),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def run_decider(uri: str, journal: Path) -> subprocess.Popen[bytes]:
    return spawn(
        [sys.executable, str(Path(__file__).resolve()), "decide", "--uri", uri, "--journal", str(journal)],
        env=child_env(uri),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def finish(proc: subprocess.Popen[bytes], what: str) -> str:
    out, _ = await asyncio.to_thread(proc.communicate)
    if proc.returncode != 0:
        raise Failed(f"{what} failed (status {proc.returncode}):\n{out.decode()[-2000:]}")
    return out.decode()


def free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class Api:
    """`tracegraph serve` in a process of its own, with the local token issuer and a job directory that outlives it."""

    def __init__(self, uri: str, port: int, work: Path):
        self.uri, self.port, self.work = uri, port, work
        self.url = f"http://127.0.0.1:{port}"
        self.issuer = LocalIssuer(f"{self.url}/auth/local", work / "issuer-keys.json", Settings().auth_audience)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = work / "api.log"

    def token(self, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.token(subject, ['admin'])}"}

    async def start(self) -> None:
        deadline = time.monotonic() + 30
        while not free(self.port):  # the killed process's port, until the kernel lets it go
            if time.monotonic() > deadline:
                raise Failed(f"port {self.port} is taken")
            await asyncio.sleep(0.2)
        env = child_env(
            self.uri,
            CREDIT_SWEEP_INTERVAL_S="0",
            IMPORT_JOB_DIR=str(self.work / "jobs"),
            AUTH_LOCAL_ISSUER="1",
            AUTH_LOCAL_ISSUER_URL=self.issuer.url,
            AUTH_LOCAL_KEY_FILE=str(self.issuer.key_file),
            API_GRACEFUL_SHUTDOWN_S="5",
        )
        self.proc = self._spawn(env)
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as client:
            while True:
                if self.proc.poll() is not None:
                    raise Failed(f"the API did not start:\n{self.log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/healthz")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise Failed("the API did not answer /healthz")
                await asyncio.sleep(0.3)

    def _spawn(self, env: dict[str, str]) -> subprocess.Popen[bytes]:
        (self.work / "jobs").mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            return spawn([*CLI, "serve", "--port", str(self.port)], env=env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> int:
        assert self.proc is not None
        pid = self.proc.pid
        self.proc.kill()  # SIGKILL
        self.proc.wait(30)
        return pid

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def client(self, subject: str = "faults-admin", timeout: float = 300) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=self.token(subject), timeout=timeout)


# --- the credit decisions, as a client makes them ------------------------------------------------------------------


def answered_steps(journal: Path) -> set[str]:
    return set(journal.read_text().split()) if journal.exists() else set()


async def decide(uri: str, journal: Path) -> None:
    """The decisions of the credit scenarios, each step once answered written to `journal`; a decider started again
    skips the answered steps and asks the first unanswered one again, as a client that lost its answer does.

    1. officer A opens downgrade reviews for every exposure within two hops of the blacklisted enterprises;
    2. officer B approves each open review, in enterprise order (one already approved counts as answered);
    3. a regulator sets the standing grade of 150 enterprises without a review (each once, its grade by its id);
    4. a sweep at 2100-01-01: every listing has ended by then, so the grades they held down are repaired."""
    settings = Settings(neo4j_uri=uri, credit_sweep_interval_s=0, query_timeout_s=300)
    graph = Graph(open_driver(settings), settings)
    done = answered_steps(journal)

    def answered(step: str) -> None:
        with journal.open("a") as out:
            out.write(step + "\n")
            out.flush()
            os.fsync(out.fileno())

    try:
        if "open" not in done:
            await reviews.open_reviews(graph, OFFICERS[0], None, max_hops=2)
            answered("open")
        opened = await reviews.listing(graph, reviews.ReviewStatus.OPEN, 1000)
        for review in sorted(opened, key=lambda r: r.enterprise_id):
            step = f"approve:{review.enterprise_id}"
            if step not in done:
                await reviews.approve(graph, review.id, OFFICERS[1], "faults: the evidence holds")
                answered(step)
        reviewed = {r.enterprise_id for r in await reviews.listing(graph, None, 1000)}
        ids = sorted(r["id"] for r in await graph.read("testing/all_enterprise_ids"))
        chosen = [e for e in ids if e not in reviewed][:150]
        for enterprise in chosen:
            step = f"grade:{enterprise}"
            if step in done:
                continue
            grade = GRADES[sum(map(ord, enterprise)) % len(GRADES)]
            with contextlib.suppress(DomainError):  # raising above a listing in force is refused: an answer too
                await credit.set_grade(graph, enterprise, grade, "faults: a regulator's decision", "faults-regulator")
            answered(step)
        if "sweep" not in done:
            await credit.sweep(graph, now=SWEEP_AT_MS)
            answered("sweep")
    finally:
        await graph.close()


# --- what is compared ----------------------------------------------------------------------------------------------


async def state(graph: Graph) -> dict[str, Any]:
    nodes = await graph.read("testing/all_nodes")
    relationships = await graph.read("testing/all_relationships")
    records = sorted(
        (n for n in nodes if "id" in n["props"] and not RUN_LABELS.intersection(n["labels"])),
        key=lambda n: str(n["props"]["id"]),
    )
    rng = random.Random(7)
    sample = rng.sample(records, min(SAMPLE, len(records)))
    events = [n["props"] for n in nodes if "CreditEvent" in n["labels"]]
    status = {n["props"]["id"]: n["props"]["status"] for n in nodes if "DowngradeReview" in n["labels"]}
    audit = [r["seq"] for r in await graph.read("testing/audit_seqs")]
    return {
        # Capture jobs are one per POST: compared by how many are left running, below.
        "labels": Counter(label for n in nodes for label in n["labels"] if label != "EpcisCapture"),
        "types": Counter(r["type"] for r in relationships),
        "sample": {
            # suppliedBy names the caller: "import" from the CLI, the token's subject through POST /imports
            str(n["props"]["id"]): {
                k: v for k, v in n["props"].items() if not k.endswith(DERIVED_CLOCKS) and k != "suppliedBy"
            }
            for n in sample
        },
        "grades": {
            n["props"]["id"]: (n["props"].get("creditGrade"), n["props"].get("standingGrade"))
            for n in nodes
            if "Enterprise" in n["labels"]
        },
        "events": Counter((e["enterpriseId"], e["kind"], e["fromGrade"], e["toGrade"]) for e in events),
        "eventSeqGaps": gaps([e["seq"] for e in events]),
        "reviews": Counter(  # a review's id is drawn by its run: known by its enterprise and status
            (r["to"], status[r["from"]]) for r in relationships if r["type"] == "CONCERNS" and r["from"] in status
        ),
        "auditSeqGaps": gaps(audit),
        # Read as a client reads them (a job whose process is gone reads as interrupted, not running).
        "capturesRunning": sum(1 for j in await epcis_capture.capture_jobs(graph, None, 1000) if j["running"]),
    }


def gaps(seqs: list[int]) -> int:
    """How far `seqs` is from 1..n: missing numbers plus repeated ones."""
    counted = Counter(seqs)
    return sum(1 for s in range(1, len(seqs) + 1) if s not in counted) + sum(c - 1 for c in counted.values())


def compare(clean: dict[str, Any], faulty: dict[str, Any]) -> dict[str, int]:
    def lost(a: Counter[Any], b: Counter[Any]) -> int:
        return sum((a - b).values())

    return {
        "nodes lost": lost(clean["labels"], faulty["labels"]),
        "nodes duplicated": lost(faulty["labels"], clean["labels"]),
        "relationships lost": lost(clean["types"], faulty["types"]),
        "relationships duplicated": lost(faulty["types"], clean["types"]),
        "sampled nodes differing": sum(clean["sample"][k] != faulty["sample"].get(k) for k in clean["sample"]),
        "grades out of step": sum(clean["grades"][k] != faulty["grades"].get(k) for k in clean["grades"]),
        "credit events lost": lost(clean["events"], faulty["events"]),
        "credit events duplicated": lost(faulty["events"], clean["events"]),
        "credit event seq gaps": faulty["eventSeqGaps"],
        "reviews out of step": lost(clean["reviews"], faulty["reviews"]) + lost(faulty["reviews"], clean["reviews"]),
        "audit seq gaps": faulty["auditSeqGaps"],
        "capture jobs left running": faulty["capturesRunning"],
    }


# --- the service while Neo4j is down -------------------------------------------------------------------------------


async def timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await call
    return response, time.monotonic() - started


async def while_down(client: httpx.AsyncClient) -> dict[str, float]:
    """Neo4j killed: readiness says so; a read, a decision and a REST read answer SERVICE_UNAVAILABLE at once."""
    ready, ready_s = await timed(client.get("/readyz"))
    read, read_s = await timed(client.post("/graphql", json={"query": '{ enterprise(id: "E1") { id } }'}))
    mutation = 'mutation { setCreditGrade(enterpriseId: "E1", grade: REGULAR, reason: "down", by: "faults-admin") '
    decision, decision_s = await timed(client.post("/graphql", json={"query": mutation + "{ event { seq } } }"}))
    feed, feed_s = await timed(client.get("/credit/events", params={"limit": 5}))
    codes = [
        read.json()["errors"][0]["extensions"]["code"],
        decision.json()["errors"][0]["extensions"]["code"],
        feed.json()["error"]["code"],
    ]
    took = {"readyz": ready_s, "query": read_s, "decision": decision_s, "feed": feed_s}
    say(f"while Neo4j is down: /readyz {ready.status_code}, {', '.join(codes)}; " + fmt(took))
    if ready.status_code != 503 or set(codes) != {"SERVICE_UNAVAILABLE"} or feed.status_code != 503:
        raise Failed("the service did not say that Neo4j is down")
    if max(took.values()) > FAIL_FAST_S:
        raise Failed(f"a request took longer than {FAIL_FAST_S} s to say that Neo4j is down: {fmt(took)}")
    return took


async def until_ready(client: httpx.AsyncClient, limit_s: float = 60) -> float:
    """How long after Neo4j answers again the same service is ready again, by itself."""
    started = time.monotonic()
    while (await client.get("/readyz")).status_code != 200:
        if time.monotonic() - started > limit_s:
            raise Failed("the service did not recover when Neo4j came back")
        await asyncio.sleep(0.2)
    took = time.monotonic() - started
    body = (await client.post("/graphql", json={"query": "{ creditEvents(first: 1) { hasNextPage } }"})).json()
    if body.get("errors"):
        raise Failed(f"ready, but a query failed: {body['errors']}")
    say(f"Neo4j back: /readyz 200 after {took:.1f} s, queries answer")
    return took


def fmt(took: dict[str, float]) -> str:
    return ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in took.items())


# --- the scenarios -------------------------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    inst: Any
    uri: str
    graph: Graph
    work: Path
    rng: random.Random
    clean: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    async def reset(self) -> None:
        await self.graph.write_schema("testing/wipe_all")
        await migrations.upgrade(self.graph)  # as every run has it (its SchemaMigration and Lease nodes)

    async def count(self, label: str | None = None) -> int:
        if label is None:
            return (await self.graph.read("testing/count_nodes"))[0]["nodes"]
        return (await self.graph.read("testing/count_label", label=label))[0]["count"]

    async def when_share(
        self, share: float, clean_total: int, running: Callable[[], bool], label: str | None = None, base: int = 0
    ) -> None:
        """Return once `share` of the clean run's writes (nodes, or nodes of `label` above `base`) are in the graph:
        in the middle of the writes, whatever the machine's speed."""
        while await self.count(label) - base < share * clean_total:
            if not running():
                raise Failed("the work ended before the kill")
            await asyncio.sleep(0.1)

    def share(self) -> float:
        return self.args.kill_at if self.args.kill_at is not None else self.rng.uniform(0.2, 0.8)

    def kill_neo4j(self) -> int:
        pid = self.inst.running_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        return pid

    async def restart_neo4j(self) -> None:
        await asyncio.to_thread(ops.start, self.inst, 300)  # crash recovery

    async def reference(self, name: str, make: Callable[[], Awaitable[None]]) -> dict[str, Any]:
        """The clean run of an input, made once."""
        if name not in self.clean:
            await self.reset()
            started = time.monotonic()
            await make()
            self.clean[name] = await state(self.graph)
            self.clean[name]["nodes"] = await self.count()
            self.clean[name]["creditEvents"] = await self.count("CreditEvent")
            say(f"clean {name}: {self.clean[name]['nodes']} nodes in {time.monotonic() - started:.1f} s")
        return self.clean[name]

    # the inputs' clean runs

    async def imported(self) -> None:
        await finish(run_import(self.args.data, self.uri), "the clean import")

    async def decided(self) -> None:
        await self.imported()
        journal = self.work / "journal-clean"
        journal.unlink(missing_ok=True)
        await finish(run_decider(self.uri, journal), "the clean decisions")

    async def captured(self) -> None:
        api = Api(self.uri, self.args.api_port, self.work)
        await api.start()
        try:
            async with api.client() as client:
                await capture(client, self.args.epcis)
        finally:
            api.stop()


async def capture(client: httpx.AsyncClient, document: Path) -> None:
    body = await asyncio.to_thread(document.read_bytes)
    response = await client.post("/epcis/capture", content=body, headers={"Content-Type": "application/json"})
    if response.status_code not in (201, 202):
        raise Failed(f"capture answered {response.status_code}: {response.text[:500]}")
    location = response.headers.get("location")
    while location:  # a capture job: until it has finished
        job = (await client.get(location)).json()
        if not job.get("running"):
            if not job.get("success"):
                raise Failed(f"the capture failed: {job}")
            return
        await asyncio.sleep(0.5)


async def job_done(client: httpx.AsyncClient, url: str, limit_s: float = 900) -> dict[str, Any]:
    started = time.monotonic()
    while True:
        response = await client.get(url)
        if response.status_code != 200:
            raise Failed(f"GET {url} answered {response.status_code}: {response.text[:300]}")
        job = response.json()
        if job["status"] in ("DONE", "FAILED"):
            return job
        if time.monotonic() - started > limit_s:
            raise Failed(f"the job {url} did not finish")
        await asyncio.sleep(0.5)


async def post_job(client: httpx.AsyncClient, data: Path) -> str:
    body = await asyncio.to_thread(lambda: gzip.compress(data.read_bytes(), 1))
    response = await client.post("/imports", content=body, headers={"Content-Encoding": "gzip"})
    if response.status_code != 202:
        raise Failed(f"POST /imports answered {response.status_code}: {response.text[:300]}")
    return str(response.headers["location"])


async def neo4j_import(run: Run) -> dict[str, Any]:
    clean = await run.reference("import", run.imported)
    await run.reset()
    api = Api(run.uri, run.args.api_port, run.work)  # a replica beside the import: told of the outage, then ready
    await api.start()
    try:
        at = run.share()
        proc = run_import(run.args.data, run.uri)
        await run.when_share(at, clean["nodes"], lambda: proc.poll() is None)
        pid = run.kill_neo4j()
        say(f"killed Neo4j (pid {pid}) with {at:.0%} of the nodes written")
        out, _ = await asyncio.to_thread(proc.communicate)
        say(f"the interrupted import exited with status {proc.returncode}: {out.decode().strip()[-200:]}")
        if proc.returncode == 0:
            raise Failed("the import said it succeeded although Neo4j was killed under it")
        async with api.client() as client:
            run.notes["downMs"] = {k: round(v * 1000) for k, v in (await while_down(client)).items()}
            await run.restart_neo4j()
            run.notes["recoveredS"] = round(await until_ready(client), 1)
    finally:
        api.stop()
    await finish(run_import(run.args.data, run.uri), "the re-run")
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def cli_import(run: Run) -> dict[str, Any]:
    clean = await run.reference("import", run.imported)
    await run.reset()
    at = run.share()
    proc = run_import(run.args.data, run.uri)
    await run.when_share(at, clean["nodes"], lambda: proc.poll() is None)
    proc.kill()
    proc.wait()
    say(f"killed `tracegraph import` (pid {proc.pid}) with {at:.0%} of the nodes written")
    await finish(run_import(run.args.data, run.uri), "the re-run")
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def api_job(run: Run) -> dict[str, Any]:
    clean = await run.reference("import", run.imported)
    await run.reset()
    api = Api(run.uri, run.args.api_port, run.work)
    await api.start()
    try:
        async with api.client() as client:
            url = await post_job(client, run.args.data)
            at = run.share()
            await run.when_share(at, clean["nodes"], lambda: api.proc is not None and api.proc.poll() is None)
            pid = api.kill()
            say(f"killed the API (pid {pid}) while it wrote job {url} with {at:.0%} of the nodes written")
            await api.start()
            job = await job_done(client, url)
        say(f"after the restart the job is {job['status']}, resumed: {job['resumed']}")
        if job["status"] != "DONE" or not job["resumed"]:
            raise Failed(f"the killed job was not resumed to its end: {job}")
    finally:
        api.stop()
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def neo4j_job(run: Run) -> dict[str, Any]:
    clean = await run.reference("import", run.imported)
    await run.reset()
    api = Api(run.uri, run.args.api_port, run.work)
    await api.start()
    try:
        async with api.client() as client:
            url = await post_job(client, run.args.data)
            at = run.share()
            await run.when_share(at, clean["nodes"], lambda: True)
            pid = run.kill_neo4j()
            say(f"killed Neo4j (pid {pid}) while the API wrote job {url} with {at:.0%} of the nodes written")
            run.notes["apiDownMs"] = {k: round(v * 1000) for k, v in (await while_down(client)).items()}
            job = await job_done(client, url, limit_s=120)
            say(f"the job, Neo4j gone: {job['status']}: {(job['error'] or '')[:120]}")
            if job["status"] != "FAILED":
                raise Failed(f"the job said {job['status']} although Neo4j was killed under it")
            await run.restart_neo4j()
            run.notes["apiRecoveredS"] = round(await until_ready(client), 1)
            again = await job_done(client, await post_job(client, run.args.data))
            if again["status"] != "DONE":
                raise Failed(f"the job posted again did not finish: {again}")
    finally:
        api.stop()
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def api_epcis(run: Run) -> dict[str, Any]:
    clean = await run.reference("epcis", run.captured)
    await run.reset()
    api = Api(run.uri, run.args.api_port, run.work)
    await api.start()
    try:
        async with api.client() as client:
            at = run.share()
            posting = asyncio.create_task(capture(client, run.args.epcis))
            await run.when_share(at, clean["nodes"], lambda: not posting.done())
            pid = api.kill()
            say(f"killed the API (pid {pid}) during an EPCIS capture with {at:.0%} of the nodes written")
            with contextlib.suppress(httpx.HTTPError, Failed):
                await posting
            await api.start()
            killed = (await client.get("/epcis/capture")).json()  # the job the killed process ran: interrupted
            titles = [[e.get("title") for e in job["errors"]] for job in killed]
            say(f"the killed capture's job, after the restart: {killed[0] if killed else None}")
            if len(killed) != 1 or killed[0]["running"] or titles != [["capture interrupted"]]:
                raise Failed(f"the killed capture's job does not read as interrupted: {killed}")
            await capture(client, run.args.epcis)  # the client posts its document again
    finally:
        api.stop()
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def credit_kill(run: Run, kill: str) -> dict[str, Any]:
    clean = await run.reference("credit", run.decided)
    imported = await run.reference("import", run.imported)
    await run.reset()
    await run.imported()
    base = await run.count("CreditEvent")
    journal = run.work / f"journal-{kill}"
    journal.unlink(missing_ok=True)
    at = run.share()
    proc = run_decider(run.uri, journal)
    decisions = clean["creditEvents"] - imported["creditEvents"]
    await run.when_share(at, decisions, lambda: proc.poll() is None, label="CreditEvent", base=base)
    if kill == "neo4j":
        pid = run.kill_neo4j()
        say(f"killed Neo4j (pid {pid}) with {at:.0%} of the decisions' credit events written")
        out, _ = await asyncio.to_thread(proc.communicate)
        if proc.returncode == 0:
            raise Failed(f"the decider said it finished although Neo4j was killed under it: {out.decode()[-300:]}")
        await run.restart_neo4j()
    else:
        proc.kill()
        proc.wait()
        say(f"killed the decider (pid {proc.pid}) with {at:.0%} of the decisions' credit events written")
    steps = len(answered_steps(journal))
    say(f"{steps} decisions answered before the kill; the decider resumes")
    await finish(run_decider(run.uri, journal), "the resumed decisions")
    return {"killAt": round(at, 2), **compare(clean, await state(run.graph))}


async def neo4j_credit(run: Run) -> dict[str, Any]:
    return await credit_kill(run, "neo4j")


async def cli_credit(run: Run) -> dict[str, Any]:
    return await credit_kill(run, "decider")


SCENARIOS: dict[str, Callable[[Run], Awaitable[dict[str, Any]]]] = {
    "neo4j-import": neo4j_import,
    "cli-import": cli_import,
    "api-job": api_job,
    "neo4j-job": neo4j_job,
    "api-epcis": api_epcis,
    "neo4j-credit": neo4j_credit,
    "cli-credit": cli_credit,
}


def instance(args: argparse.Namespace) -> Any:
    return ops.Instance(args.instance, args.port, heap="1g", pagecache="512m", tx_timeout="120s")


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP cancel the run as Ctrl-C does (asyncio.run's SIGINT handling): its `finally`s end the
    children and stop Neo4j. Once only: a second signal does not cut that cleanup short."""
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    assert task is not None

    def stop(signum: signal.Signals) -> None:
        if STOPPED_BY:
            return
        STOPPED_BY.append(signum)
        say(f"{signum.name}: stopping; ending the processes this run started and its Neo4j")
        task.cancel()

    for signum in (signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop, signum)


STOPPED_BY: list[signal.Signals] = []  # the signal that stopped the run


async def scenarios(args: argparse.Namespace) -> list[dict[str, Any]]:
    stop_on_signals()
    inst = instance(args)
    await asyncio.to_thread(ops.wipe, inst)
    await asyncio.to_thread(ops.start, inst, 300)
    uri = f"bolt://127.0.0.1:{args.port}"
    # Reading the whole graph back takes longer than a query of the service may.
    settings = Settings(neo4j_uri=uri, credit_sweep_interval_s=0, query_timeout_s=300)
    graph = Graph(open_driver(settings), settings)
    work = args.work
    shutil.rmtree(work, ignore_errors=True)  # a former run's job directory would be resumed by the API
    work.mkdir(parents=True, exist_ok=True)
    run = Run(args, inst, uri, graph, work, random.Random(args.seed if args.kill_at is None else None))
    results = []
    try:
        for name in args.scenario:
            say(f"--- {name}")
            started = time.monotonic()
            run.notes = {}
            result = {"scenario": name, **await SCENARIOS[name](run), **run.notes}
            result["seconds"] = round(time.monotonic() - started, 1)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        await asyncio.to_thread(end_children)
        await graph.close()
        await asyncio.to_thread(ops.stop, inst)
    return results


def failures(results: list[dict[str, Any]]) -> list[str]:
    counted = {k for k in compare(EMPTY, EMPTY)}
    return [f"{r['scenario']}: {k} {v}" for r in results for k, v in r.items() if k in counted and v]


EMPTY: dict[str, Any] = {
    "labels": Counter(),
    "types": Counter(),
    "sample": {},
    "grades": {},
    "events": Counter(),
    "eventSeqGaps": 0,
    "reviews": Counter(),
    "auditSeqGaps": 0,
    "capturesRunning": 0,
}


def data_set(args: argparse.Namespace) -> Path:
    """The generated records (seed/generate.py): a named size, or a plan of `--batches` batches."""
    from seed import generate

    name = f"{args.size}-{args.seed}" if args.batches is None else f"b{args.batches}-{args.seed}"
    path = ROOT / "var" / "faults" / f"{name}.ndjson"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.batches is None:
            plan = generate.Plan.of(args.size)
        else:
            enterprises = max(300, args.batches // 20)
            plan = generate.Plan(args.batches, enterprises, enterprises * 4 // 5, max(100, args.batches // 50))
        partial = path.with_suffix(".partial")
        with partial.open("w") as out:
            for record in generate.records(plan, args.seed):
                out.write(json.dumps(record, separators=(",", ":")) + "\n")
        partial.rename(path)
    return path


def epcis_document(args: argparse.Namespace) -> Path:
    """An EPCIS 2.0 document of chains of four events (bench/epcis_capture.py)."""
    from bench.epcis_capture import chain_events, document

    path = ROOT / "var" / "faults" / f"epcis-{args.events}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document(chain_events(args.events))))
    return path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", default="S", help="the generated data set (seed/generate.py): S, M or L")
    p.add_argument("--batches", type=int, help="instead of --size: a data set of this many batches")
    p.add_argument("--events", type=int, default=2000, help="events of the EPCIS document")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "7691")))
    p.add_argument("--api-port", type=int, default=int(os.environ.get("FAULTS_API_PORT", "8791")))
    p.add_argument("--instance", default="faults", help="the local Neo4j instance (ops/neo4j_local.py)")
    p.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="repeat; default: all")
    p.add_argument("--kill-at", type=float, help="share of the clean run's writes at the kill (default: 0.2-0.8)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # as the CLI: planner notes are noise here
    if argv[:1] == ["decide"]:  # the decider of the credit scenarios, in a process of its own
        sub = argparse.ArgumentParser()
        sub.add_argument("--uri", required=True)
        sub.add_argument("--journal", type=Path, required=True)
        options = sub.parse_args(argv[1:])
        asyncio.run(decide(options.uri, options.journal))
        return 0
    args = parser().parse_args(argv)
    args.scenario = args.scenario or list(SCENARIOS)
    args.work = ROOT / "var" / "faults" / "work"
    args.data = data_set(args)
    if "api-epcis" in args.scenario:
        args.epcis = epcis_document(args)
    atexit.register(end_children)  # whatever ends the run
    try:
        results = asyncio.run(scenarios(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        signum = STOPPED_BY[0] if STOPPED_BY else signal.SIGINT
        say(f"stopped by {signum.name}: no result")
        return 128 + signum
    finally:
        for signum in (signal.SIGTERM, signal.SIGHUP):  # the loop's handlers are gone: let nothing cut this short
            signal.signal(signum, signal.SIG_IGN)
        end_children()
        # A start cut short by the signal may have brought Neo4j up after the run's own stop: stop it again.
        ops.stop(instance(args))
    wrong = failures(results)
    for line in wrong:
        say(f"FAILED {line}")
    say("all zero: nothing lost, duplicated or out of step" if not wrong else f"{len(wrong)} counts not zero")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
