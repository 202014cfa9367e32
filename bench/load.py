"""`make load` / `make soak`: concurrent HTTP clients against `tracegraph serve` with several worker processes.

A bounded async client (httpx, one connection per simulated client, closed loop, no think time) mixes reads
(traceBack, recallScope, searchEnterprises, batch navigation), imports (POST /imports of a new lot and its
shipments, then the job polled until done) and decisions (setCreditGrade signed by the token's subject) for a set
duration at each level of concurrency (1, 8, 32, 128 clients). Per level: throughput, p50/p95/p99 per operation,
mean answer sizes at its start and end, errors by kind (a 5xx is a failure of the run), the CPU the API workers and
Neo4j used (cores), and so the knee and what limits it.
Then the same load beside 200 idle keep-alive connections and slowloris clients (headers trickled one byte at a
time): the others must not starve, and the server must close the idle and the slow by its timeouts. Memory of every
process is sampled throughout; `--soak 30m` runs one level for that long and reports each process's RSS slope.

    python -m bench.load [--levels 1,8,32,128] [--duration 30] [--workers 2] [--soak 30m]

Needs a Neo4j with data: by default the `bench` instance on --port, emptied and loaded with data set S first
(--no-setup keeps what it holds). Writes bench/out/load.json and merges it into bench/out/results.json (`load`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import random
import re
import statistics
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import procmem
from bench.api_server import Served, serve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
INSTANCE = "bench"

TRACE = "query($id: ID!) { traceBack(batchId: $id, maxDepth: 10) { upstream { depth batch { id } } } }"
RECALL = """query($ids: [ID!]!) { recallScope(batchIds: $ids, maxDepth: 10) {
  affectedBatches { depth batch { id } } consignees { enterprise { id } holdings { batch { id } quantity } } } }"""
SEARCH = "query($t: String!) { searchEnterprises(text: $t, first: 20) { items { id name } } }"
NAV = """query($id: ID!) { batch(id: $id) { id quantity product { id name } producer { id name }
  inputs { batch { id } quantity } } }"""
DECIDE = """mutation($e: ID!, $g: CreditGrade!, $by: String!) {
  setCreditGrade(enterpriseId: $e, grade: $g, reason: "load test", by: $by) { __typename } }"""
# operation: weight in the mix
MIX = {"traceBack": 30, "recallScope": 20, "search": 15, "nav": 20, "import": 5, "decision": 10}


@dataclass(frozen=True)
class Lot:
    product: str
    producer: str
    unit: str


@dataclass
class Ids:
    traced: list[str]  # batches with inputs
    batches: list[str]
    enterprises: list[str]  # not blacklisted: a grade decision on them is not refused by a listing
    lot_templates: list[Lot]  # product, producer and unit of the new lots that imports add

    @classmethod
    def of(cls, path: Path) -> Ids:
        traced, batches, enterprises, lot_templates, listed = [], [], [], [], set()
        with path.open() as f:
            for line in f:
                r = json.loads(line)
                if r["type"] == "batch":
                    batches.append(r["id"])
                    lot_templates.append(Lot(r["product"], r["producer"], r["unit"]))
                    if r.get("inputs"):
                        traced.append(r["id"])
                elif r["type"] == "enterprise" and r.get("country") == "CN":
                    enterprises.append(r["id"])
                elif r["type"] == "blacklist":
                    listed.add(r["enterprise"])
        return cls(traced, batches, [e for e in enterprises if e not in listed], lot_templates)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    # (time.monotonic(), bytes) of each answer: whether the answers themselves grew during a run (a process's memory
    # follows the size of what it answers; see Mix.import_body)
    answers: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))


class Mix:
    """Draws operations by weight and makes their requests."""

    def __init__(self, ids: Ids, subject: str, seed: int):
        self.ids, self.subject, self.rng = ids, subject, random.Random(seed)
        self.ops, self.weights = list(MIX), list(MIX.values())

    def pick(self) -> str:
        return self.rng.choices(self.ops, self.weights)[0]

    def graphql(self, op: str) -> dict[str, Any]:
        rng, ids = self.rng, self.ids
        if op == "traceBack":
            return {"query": TRACE, "variables": {"id": rng.choice(ids.traced)}}
        if op == "recallScope":
            return {"query": RECALL, "variables": {"ids": rng.sample(ids.batches, rng.randint(1, 3))}}
        if op == "search":
            return {"query": SEARCH, "variables": {"t": f"Enterprise {rng.randrange(1, 100)}"}}
        if op == "nav":
            return {"query": NAV, "variables": {"id": rng.choice(ids.batches)}}
        grade = rng.choice(("REGULAR", "CERTIFIED"))
        return {"query": DECIDE, "variables": {"e": rng.choice(ids.enterprises), "g": grade, "by": self.subject}}

    def import_body(self, n: int = 4) -> bytes:
        """A new lot of an existing product and producer and `n` shipments of it, ids unique to this run.

        New lots, not new shipments of the data set's lots: the reads' answers then stay the size they were.
        Shipping the data set's lots grew the mean recall answer 8 % in 12 minutes (1 408 jobs; a quiet 30-minute
        soak runs five times as many), so a soak measured its answers' growth beside the process's memory
        (bench/RESULTS.md, round seven)."""
        template = self.rng.choice(self.ids.lot_templates)
        lot = f"LOAD-{uuid.uuid4().hex[:16]}"
        records: list[dict[str, Any]] = [
            {
                "type": "batch",
                "id": lot,
                "product": template.product,
                "producer": template.producer,
                "quantity": 1000,
                "unit": template.unit,
                "producedAt": "2026-06-01",
            }
        ]
        for k in range(n):
            to = self.rng.choice(self.ids.enterprises)
            while to == template.producer:  # refused by the import ("from and to must be different enterprises")
                to = self.rng.choice(self.ids.enterprises)
            records.append(
                {
                    "type": "shipment",
                    "id": f"{lot}-S{k}",
                    "batch": lot,
                    "from": template.producer,
                    "to": to,
                    "quantity": self.rng.randrange(1, 50),
                    "shippedAt": "2026-06-02",
                    "direction": "DOMESTIC",
                }
            )
        lines = [json.dumps(record) for record in records]
        return ("\n".join(lines) + "\n").encode()


KEEPALIVE_S = 2.0  # seconds an idle client connection is kept: below the server's API_KEEP_ALIVE_S


async def one_request(client: httpx.AsyncClient, mix: Mix, op: str, stats: Stats) -> None:
    began = time.perf_counter()
    try:
        if op == "import":
            response = await client.post(
                "/imports", content=mix.import_body(), headers={"Content-Type": "application/x-ndjson"}
            )
            ok = response.status_code == 202
            if ok:
                await follow_job(client, response.json()["url"], stats)
        else:
            response = await client.post("/graphql", json=mix.graphql(op))
            ok = response.status_code == 200
            if ok:
                errors = response.json().get("errors")
                if errors:
                    code = (errors[0].get("extensions") or {}).get("code", "GRAPHQL_ERROR")
                    stats.errors[f"{op}: {code}"] += 1
        if response.status_code >= 500 or not ok:
            stats.errors[f"{op}: HTTP {response.status_code}"] += 1
    except httpx.HTTPError as error:
        stats.errors[f"{op}: {type(error).__name__}"] += 1
        return
    stats.latencies[op].append((time.perf_counter() - began) * 1000)
    stats.answers[op].append((time.monotonic(), len(response.content)))


async def follow_job(client: httpx.AsyncClient, url: str, stats: Stats) -> None:
    """Poll an import job until it ends (what a client of POST /imports does); its outcome is counted."""
    path = httpx.URL(url).path
    for _ in range(120):
        response = await client.get(path)
        if response.status_code == 404:
            stats.jobs["not found (another worker's job)"] += 1
            return
        status = response.json().get("status")
        if status in ("SUCCEEDED", "FAILED", "DONE", "ERROR", "succeeded", "failed", "done"):
            stats.jobs[status] += 1
            return
        await asyncio.sleep(0.25)
    stats.jobs["still running after 30 s"] += 1


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process and its descendants so far (seconds)."""
    if pid is None:
        return 0.0
    total = 0
    for p in [pid, *procmem.children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def answer_growth(answers: list[tuple[float, int]], began: float, wall: float) -> dict[str, float]:
    """Mean answer size (bytes) over the run's first and last tenth."""

    def mean(low: float, high: float) -> float:
        sizes = [n for t, n in answers if low <= t - began < high]
        return round(statistics.fmean(sizes), 1) if sizes else 0.0

    return {"first_tenth_mean": mean(0, wall / 10), "last_tenth_mean": mean(wall * 0.9, wall + 1)}


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": at(0.95), "p99_ms": at(0.99)}


async def level(served: Served, ids: Ids, clients: int, duration_s: float, seed: int, pids: dict) -> dict[str, Any]:
    """`clients` closed-loop clients for `duration_s`."""
    stats = Stats()
    # Idle connections are dropped before the server drops them (API_KEEP_ALIVE_S, 5 s, httpx's default expiry
    # too): at 128 clients a request sent on a connection as the server closed it failed with a ReadError.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=KEEPALIVE_S)
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    async with httpx.AsyncClient(base_url=served.url, headers=served.headers, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + duration_s

        async def one_client(k: int) -> None:
            mix = Mix(ids, "bench", seed * 1000 + k)
            while time.monotonic() < deadline:
                await one_request(client, mix, mix.pick(), stats)

        began = time.monotonic()
        await asyncio.gather(*(one_client(k) for k in range(clients)))
        wall = time.monotonic() - began
    cores = {name: round((cpu_seconds(pid) - cpu_before[name]) / wall, 2) for name, pid in pids.items()}
    done = sum(len(v) for v in stats.latencies.values())
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": done,
        "throughput_per_s": round(done / wall, 1),
        "operations": {op: summary(v) for op, v in sorted(stats.latencies.items())},
        "answer_bytes": {op: answer_growth(v, began, wall) for op, v in sorted(stats.answers.items())},
        "errors": dict(stats.errors),
        "server_errors_5xx": sum(c for k, c in stats.errors.items() if re.search(r"HTTP 5\d\d", k)),
        "import_jobs": dict(stats.jobs),
        "cores_used": cores,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


async def idle_connection(host: str, port: int, closed_after: list[float], hold_s: float) -> None:
    """Connect, make one request, then stay open and silent: the server's keep-alive timeout must close it."""
    began = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
        began = time.monotonic()
        while time.monotonic() - began < hold_s:
            if not await asyncio.wait_for(reader.read(65536), timeout=hold_s):
                closed_after.append(time.monotonic() - began)  # closed by the server
                break
        writer.close()
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        closed_after.append(time.monotonic() - began)


async def slowloris(host: str, port: int, closed_after: list[float], hold_s: float) -> None:
    """Trickle a request's headers a byte a second: the server's header timeout must close it."""
    began = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: bench\r\n")
        while time.monotonic() - began < hold_s:
            writer.write(b"X")
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(65536), timeout=1.0) == b"":
                    break
            except TimeoutError:
                continue
            break  # the server answered (e.g. 408) or closed
        closed_after.append(time.monotonic() - began)
        writer.close()
    except (OSError, asyncio.IncompleteReadError):
        closed_after.append(time.monotonic() - began)


async def with_slow_clients(
    served: Served, ids: Ids, clients: int, duration_s: float, seed: int, pids: dict, idle: int, slow: int
) -> dict[str, Any]:
    """A level run beside `idle` idle keep-alive connections and `slow` slowloris clients."""
    url = httpx.URL(served.url)
    idle_closed: list[float] = []
    slow_closed: list[float] = []
    hold = duration_s + 5
    background = [
        asyncio.create_task(idle_connection(url.host, url.port or 80, idle_closed, hold)) for _ in range(idle)
    ]
    background += [asyncio.create_task(slowloris(url.host, url.port or 80, slow_closed, hold)) for _ in range(slow)]
    await asyncio.sleep(1)
    result = await level(served, ids, clients, duration_s, seed, pids)
    await asyncio.gather(*background, return_exceptions=True)

    def closed(times: list[float], n: int) -> dict[str, Any]:
        return {
            "connections": n,
            "closed_by_server": len(times),
            "closed_after_s_median": round(statistics.median(times), 1) if times else None,
        }

    return result | {"idle": closed(idle_closed, idle), "slowloris": closed(slow_closed, slow)}


def knee(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """The level past which throughput grows less than 10 % while p95 grows: where more clients only queue."""
    found = levels[-1]
    for before, after in itertools.pairwise(levels):
        if after["throughput_per_s"] < before["throughput_per_s"] * 1.1:
            found = before
            break
    return {
        "clients": found["clients"],
        "throughput_per_s": found["throughput_per_s"],
        "cores_used_there": found["cores_used"],
        "machine_cores": os.cpu_count(),
    }


def setup(args: argparse.Namespace) -> Path:
    """Load data set S (seed 1) into the bench instance, emptied first; the data file, for the request ids."""
    from bench.run import start_instance

    data = OUT / f"data-{args.size}-1.ndjson"
    if not data.exists():
        from seed.generate import write

        OUT.mkdir(parents=True, exist_ok=True)
        with data.open("w") as f:
            write(args.size, 1, f)
    if not args.setup:
        return data
    start_instance(argparse.Namespace(port=args.port, heap=args.heap, pagecache=args.pagecache), wipe=True)

    async def load() -> None:
        from graph.db import Graph, open_driver
        from graph.imports import import_lines
        from graph.schema import apply_schema
        from graph.settings import Settings

        settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0)
        graph = Graph(open_driver(settings), settings)
        await apply_schema(graph)
        with data.open() as f:
            report = await import_lines(graph, f)
        await graph.close()
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:3]}")

    print(f"[load] loading {data.name} into instance '{INSTANCE}' on port {args.port}", flush=True)
    asyncio.run(load())
    return data


def duration(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"a duration is seconds or 30s, 10m, 1h, not {text!r}")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


async def main_async(args: argparse.Namespace, data: Path) -> dict[str, Any]:
    ids = Ids.of(data)
    neo4j_uri = f"bolt://127.0.0.1:{args.port}"
    with serve(neo4j_uri, args.http_port, workers=args.workers) as served:
        pids = {"api": served.pid, "neo4j": procmem.neo4j_pid(INSTANCE)}
        memory_pids = {**pids, "load_client": os.getpid()}
        result: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "workers": args.workers,
            "data": data.name,
            "mix": MIX,
        }
        with procmem.Sampler(lambda: memory_pids, interval_s=args.sample_s) as sampler:
            if args.soak:
                print(f"[load] soak: {args.soak_clients} clients for {args.soak / 60:.0f} min", flush=True)
                result["soak"] = await level(served, ids, args.soak_clients, args.soak, args.seed, pids)
            else:
                if args.warm_up:
                    # Not recorded: Neo4j plans and compiles each statement and the JVM and the workers warm up
                    # in the first minute; the first level measured that (1 client: p50 60 ms, Neo4j a full core).
                    print(f"[load] warm-up: 8 clients for {args.warm_up:.0f} s (not recorded)", flush=True)
                    await level(served, ids, 8, args.warm_up, args.seed + 1, pids)
                levels = []
                for clients in args.levels:
                    print(f"[load] {clients} clients for {args.duration:.0f} s", flush=True)
                    levels.append(await level(served, ids, clients, args.duration, args.seed, pids))
                    print(f"[load]   {levels[-1]['throughput_per_s']} req/s, errors {levels[-1]['errors']}", flush=True)
                result["levels"] = levels
                result["knee"] = knee(levels)
                if args.idle or args.slow:
                    print(
                        f"[load] {args.slow_level} clients beside {args.idle} idle and {args.slow} slowloris",
                        flush=True,
                    )
                    result["slow_clients"] = await with_slow_clients(
                        served, ids, args.slow_level, args.duration, args.seed, pids, args.idle, args.slow
                    )
        result["memory"] = sampler.summary()
        # Flat: after the warm-up, growth under 1 MB a minute or 0.2 % of the process's peak a minute, whichever
        # is larger (a JVM's and Python's allocators settle, they do not stop moving). The last half's slope is
        # reported beside it: a 20-minute soak that looked settled by it grew again over 40 (bench/RESULTS.md).
        result["memory_flat"] = {
            name: abs(m["slope_mb_per_min"]) <= max(1.0, 0.002 * m["peak_mb"]) for name, m in result["memory"].items()
        }
        result["memory_series"] = sampler.series
    result["server_errors_5xx"] = sum(
        r["server_errors_5xx"]
        for r in [*result.get("levels", []), result.get("soak") or {}, result.get("slow_clients") or {}]
        if r
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32, 128])
    parser.add_argument("--duration", type=duration, default=30.0, help="per level (seconds, or 30s, 2m)")
    parser.add_argument("--workers", type=int, default=2, help="API worker processes (API_WORKERS)")
    parser.add_argument("--warm-up", type=duration, default=20.0, help="unrecorded load before the levels (0: none)")
    parser.add_argument("--soak", type=duration, default=0.0, help="one level for this long instead (e.g. 30m)")
    parser.add_argument("--soak-clients", type=int, default=32)
    parser.add_argument("--idle", type=int, default=200, help="idle keep-alive connections beside the slow level")
    parser.add_argument("--slow", type=int, default=20, help="slowloris clients beside the slow level")
    parser.add_argument("--slow-level", type=int, default=32, help="clients measured beside the idle and slow")
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--setup", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--port", type=int, default=7690)
    parser.add_argument("--http-port", type=int, default=8799)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--sample-s", type=float, default=5.0, help="memory sampling interval")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = setup(args)
    result = asyncio.run(main_async(args, data))
    name = "soak" if args.soak else "load"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    results = OUT / "results.json"
    merged = json.loads(results.read_text()) if results.exists() else {"runs": {}}
    merged[name] = {k: v for k, v in result.items() if k != "memory_series"}
    results.write_text(json.dumps(merged, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("memory_series",)}, indent=2))
    if result["server_errors_5xx"]:
        raise SystemExit(f"{result['server_errors_5xx']} responses were 5xx")


if __name__ == "__main__":
    main()
