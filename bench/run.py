"""`make bench SIZE=S|M`: load a synthetic data set, then time traceBack, recallScope and contagion through the
graph layer, through HTTP GraphQL, on PostgreSQL 15 (recursive CTEs) and on an in-memory floor (scipy), after
checking that all of them give the same answers on every start. Prints a table, writes bench/out/results.json.

    python -m bench.run --size M [--seed 1] [--starts 300] [--port 7690]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench import postgres
from bench.floor import Floor, tie_rows
from graph import contagion, recall_scope, trace
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.schema import apply_schema
from graph.settings import Settings
from seed.generate import write as generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MAX_DEPTH = 10
HOPS = 3
MIN_SCORE = 0.05
HTTP_SAMPLE = 50

TRACE_QUERY = "query($id: ID!) { traceBack(batchId: $id, maxDepth: 10) { upstream { depth batch { id } } } }"
RECALL_QUERY = """query($ids: [ID!]!) { recallScope(batchIds: $ids, maxDepth: 10) {
  affectedBatches { depth batch { id } } consignees { enterprise { id } holdings { batch { id } quantity } } } }"""
# The answer the other systems give (scores); evidence paths are built only when a client asks for them.
CONTAGION_QUERY = """query($ids: [ID!]) { contagion(sourceIds: $ids, maxHops: 3) { enterprise { id } score action } }"""


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": at(0.95), "p99_ms": at(0.99), "n": len(ordered)}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GB, {platform.system()} {platform.release()}"


# --- the graph layer: the same functions the API calls ---------------------------------------------------


async def neo_trace(graph: Graph, root: str) -> list[tuple[str, int]]:
    t = await trace.trace_back(graph, root, MAX_DEPTH)
    return [(u.batch.id, u.depth) for u in t.upstream]


async def neo_recall(graph: Graph, sources: list[str]) -> tuple[list[tuple[str, int]], dict[tuple[str, str], float]]:
    scope = await recall_scope.recall_scope(graph, sources, MAX_DEPTH)
    holdings = {(c.enterprise_id, h.batch.id): h.quantity for c in scope.consignees for h in c.holdings}
    return [(t.batch.id, t.depth) for t in scope.affected], holdings


async def neo_contagion(graph: Graph, sources: list[str]) -> list[tuple[str, float]]:
    return [(e.enterprise, e.score) for e in await contagion.contagion(graph, sources, HOPS, MIN_SCORE)]


def same(a: Any, b: Any) -> bool:
    """Answers agree: equal ids and depths; quantities and scores equal but for float rounding (scores are
    rounded to 9 decimals after products taken in different orders, so the last digit may differ)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 1e-6 * max(1.0, abs(a[k])) for k in a)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and not isinstance(a[0], str):
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, list) and a and isinstance(a[0], tuple) and isinstance(a[0][1], float):  # contagion
        return same(dict(a), dict(b)) if isinstance(b, list) else False
    return a == b


async def timed_async(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await call()
    return (time.perf_counter() - started) * 1000, result


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


# --- the run --------------------------------------------------------------------------------------------


def choose_starts(records: list[dict[str, Any]], n: int, seed: int) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    with_inputs = sorted(r["id"] for r in records if r["type"] == "batch" and r.get("inputs"))
    batch_ids = sorted(r["id"] for r in records if r["type"] == "batch")
    enterprises = sorted(r["id"] for r in records if r["type"] == "enterprise")
    return {
        "traceBack": [rng.choice(with_inputs) for _ in range(n)],
        "recallScope": [rng.sample(batch_ids, rng.randint(1, 3)) for _ in range(n)],
        "contagion": [rng.sample(enterprises, 10) for _ in range(n)],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"data-{args.size}-{args.seed}.ndjson"
    say(f"generating size {args.size} (seed {args.seed}) -> {data}")
    with data.open("w") as f:
        counts = generate(args.size, args.seed, f)
    lines = data.read_text().splitlines()
    records = [json.loads(line) for line in lines]

    say(f"fresh Neo4j instance 'bench' on port {args.port}")
    ops = [sys.executable, str(ROOT / "ops" / "neo4j_local.py")]
    subprocess.run([*ops, "wipe", "--instance", "bench"], check=True)
    subprocess.run(
        [
            *ops,
            "start",
            "--instance",
            "bench",
            "--port",
            str(args.port),
            "--heap",
            args.heap,
            "--pagecache",
            args.pagecache,
            "--tx-timeout",
            "600s",
        ],
        check=True,
    )
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0)
    graph = Graph(open_driver(settings), settings)
    await apply_schema(graph)

    say(f"loading {len(lines)} records through the import (validation, idempotent writes, derived state)")
    started = time.perf_counter()
    stages: dict[str, float] = {}
    last = [started]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - last[0]
        last[0] = now

    report = await import_lines(graph, lines, progress)
    seconds = time.perf_counter() - started
    say("ingest stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:5]}")
    ingest = {"records": len(lines), "seconds": round(seconds, 1), "records_per_s": round(len(lines) / seconds)}
    say(f"ingest: {ingest['records_per_s']} records/s ({seconds:.1f} s)")

    starts = choose_starts(records, args.starts, args.seed)
    floor = Floor(records, tie_rows(records))
    results: dict[str, Any] = {}
    with postgres.server(args.pg_port) as dsn:
        say("loading PostgreSQL 15 with COPY")
        pg_load = postgres.load(dsn, records)
        say(f"PostgreSQL: copy {pg_load['copy']:.1f} s, indexes and tie view {pg_load['index']:.1f} s")
        pg = postgres.Baseline(dsn)
        systems: dict[str, dict[str, Callable[[Any], Awaitable[tuple[float, Any]]]]] = {
            "traceBack": {
                "neo4j": lambda s: timed_async(lambda: neo_trace(graph, s)),
                "postgres": lambda s: asyncio.to_thread(timed, lambda: pg.trace_back(s, MAX_DEPTH)),
                "floor": lambda s: asyncio.to_thread(timed, lambda: floor.trace_back(s, MAX_DEPTH)),
            },
            "recallScope": {
                "neo4j": lambda s: timed_async(lambda: neo_recall(graph, s)),
                "postgres": lambda s: asyncio.to_thread(timed, lambda: pg.recall_scope(s, MAX_DEPTH)),
                "floor": lambda s: asyncio.to_thread(timed, lambda: floor.recall_scope(s, MAX_DEPTH)),
            },
            "contagion": {
                "neo4j": lambda s: timed_async(lambda: neo_contagion(graph, s)),
                "postgres": lambda s: asyncio.to_thread(timed, lambda: pg.contagion(s, HOPS, MIN_SCORE)),
                "floor": lambda s: asyncio.to_thread(timed, lambda: floor.contagion(s, HOPS, MIN_SCORE)),
            },
        }
        for query, calls in systems.items():
            say(f"{query}: checking answers on {len(starts[query])} starts")
            disagreements = []
            scope_sizes = []
            for start in starts[query]:
                answers = {name: (await call(start))[1] for name, call in calls.items()}
                if query == "recallScope":
                    scope_sizes.append(len(answers["neo4j"][0]))
                if not (same(answers["neo4j"], answers["postgres"]) and same(answers["neo4j"], answers["floor"])):
                    disagreements.append(start)
            if disagreements:
                say(f"{query}: {len(disagreements)} starts DISAGREE, e.g. {disagreements[0]}")
            say(f"{query}: timing")
            times: dict[str, list[float]] = {name: [] for name in calls}
            for start in starts[query]:
                for name, call in calls.items():
                    times[name].append((await call(start))[0])
            results[query] = {
                "n": len(starts[query]),
                "agree": not disagreements,
                "disagreements": len(disagreements),
                **{name: percentiles(samples) for name, samples in times.items()},
            }
            if query == "recallScope":
                small = [t for t, size in zip(times["neo4j"], scope_sizes, strict=True) if size <= 1000]
                results[query]["neo4j_scopes_up_to_1000"] = percentiles(small) if small else None
                results[query]["scope_batches"] = percentiles([float(s) for s in scope_sizes])
        pg.close()

    say(f"HTTP GraphQL sample ({HTTP_SAMPLE} per query) through a real server")
    await http_sample(settings, args, starts, results)
    await graph.close()
    return {
        "size": args.size,
        "batches": counts.get("batch", 0),
        "records": len(lines),
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "ingest": ingest,
        "postgres_load": {k: round(v, 1) for k, v in pg_load.items()},
        "queries": results,
    }


async def http_sample(
    settings: Settings, args: argparse.Namespace, starts: dict[str, list[Any]], results: dict
) -> None:
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri, "CREDIT_SWEEP_INTERVAL_S": "0", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.http_port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{args.http_port}", timeout=120) as client:
            for _ in range(100):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            for query, text, variables in (
                ("traceBack", TRACE_QUERY, lambda s: {"id": s}),
                ("recallScope", RECALL_QUERY, lambda s: {"ids": s}),
                ("contagion", CONTAGION_QUERY, lambda s: {"ids": s}),
            ):
                samples = []
                for start in starts[query][:HTTP_SAMPLE]:
                    begun = time.perf_counter()
                    response = await client.post("/graphql", json={"query": text, "variables": variables(start)})
                    samples.append((time.perf_counter() - begun) * 1000)
                    body = response.json()
                    if body.get("errors"):
                        raise SystemExit(f"HTTP {query} failed: {body['errors'][0]}")
                results[query]["http"] = percentiles(samples)
    finally:
        server.terminate()
        server.wait(timeout=30)


def table(result: dict[str, Any]) -> str:
    lines = [
        f"size {result['size']}: {result['batches']} batches, {result['records']} records; {result['machine']}",
        f"ingest: {result['ingest']['records_per_s']} records/s ({result['ingest']['seconds']} s)",
        "",
        f"{'query':<12} {'system':<10} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}   agree",
    ]
    for query, r in result["queries"].items():
        for system in ("neo4j", "http", "postgres", "floor"):
            if r.get(system):
                p = r[system]
                lines.append(
                    f"{query:<12} {system:<10} {p['p50_ms']:>9} {p['p95_ms']:>9} {p['p99_ms']:>9}   {r['agree']}"
                )
    return "\n".join(lines)


def main() -> None:
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # young database: unknown-property notes
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=300)
    parser.add_argument("--port", type=int, default=7690)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--http-port", type=int, default=8799)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="4g")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    (OUT / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    say(f"wrote {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
