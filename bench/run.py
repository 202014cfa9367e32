"""`make bench SIZE=S|M|L`: load a synthetic data set, then time traceBack, recallScope and contagion through the
graph layer, through HTTP GraphQL, on PostgreSQL 15 (recursive CTEs) and on an in-memory floor (scipy), after
checking that all of them give the same answers on every start; sweep depth and scope size (bench/sweeps.py);
report load time and the memory of every process. Prints a table and merges its run into bench/out/results.json
(one entry per size, so `make bench-all` leaves S, M and L side by side; bench/plots.py draws them).

    python -m bench.run --size M [--seed 1] [--starts 300] [--port 7725] [--load import|initial] [--no-sweeps]

The records stream from the generated file (one JSON line at a time) into every system: at L (1 000 000 lots,
about 2.9 million records) they are never all held in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from bench import ingest_rate, postgres, procmem, sweeps
from bench.api_server import serve
from bench.floor import Floor, tie_rows
from graph import contagion, recall_scope, trace
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.schema import apply_schema
from graph.settings import Settings
from seed.generate import write as generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results.json"
MAX_DEPTH = 10
HOPS = 3
MIN_SCORE = 0.05
INSTANCE = "bench"

TRACE_QUERY = """query($id: ID!, $depth: Int!) { traceBack(batchId: $id, maxDepth: $depth) {
  upstream { depth batch { id } } } }"""
RECALL_QUERY = """query($ids: [ID!]!, $depth: Int!) { recallScope(batchIds: $ids, maxDepth: $depth) {
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


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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


# --- the four systems, each answering in the same shapes --------------------------------------------------

Answer = Any


class Systems:
    """traceBack, recallScope and contagion on each system; `timed(query, system, start, depth)` gives
    (milliseconds, answer). PostgreSQL and the floor run in a thread (timed inside it), so the event loop's
    hand-off is not counted against them."""

    NAMES = ("neo4j", "http", "postgres", "floor")

    def __init__(self, graph: Graph, pg: postgres.Baseline, floor: Floor, http: httpx.AsyncClient | None):
        self.graph, self.pg, self.floor, self.http = graph, pg, floor, http

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in self.NAMES if n != "http" or self.http is not None)

    async def timed(self, query: str, system: str, start: Any, depth: int = MAX_DEPTH) -> tuple[float, Answer]:
        if system in ("postgres", "floor"):
            target = self.pg if system == "postgres" else self.floor
            call = {
                "traceBack": lambda: target.trace_back(start, depth),
                "recallScope": lambda: target.recall_scope(start, depth),
                "contagion": lambda: target.contagion(start, HOPS, MIN_SCORE),
            }[query]
            return await asyncio.to_thread(_timed_sync, call)
        began = time.perf_counter()
        answer = await (self._neo4j if system == "neo4j" else self._http)(query, start, depth)
        return (time.perf_counter() - began) * 1000, answer

    async def _neo4j(self, query: str, start: Any, depth: int) -> Answer:
        if query == "traceBack":
            t = await trace.trace_back(self.graph, start, depth)
            return [(u.batch.id, u.depth) for u in t.upstream]
        if query == "recallScope":
            scope = await recall_scope.recall_scope(self.graph, start, depth)
            holdings = {(c.enterprise_id, h.batch.id): h.quantity for c in scope.consignees for h in c.holdings}
            return [(t.batch.id, t.depth) for t in scope.affected], holdings
        return [(e.enterprise, e.score) for e in await contagion.contagion(self.graph, start, HOPS, MIN_SCORE)]

    async def _http(self, query: str, start: Any, depth: int) -> Answer:
        assert self.http is not None
        text, variables = {
            "traceBack": (TRACE_QUERY, {"id": start, "depth": depth}),
            "recallScope": (RECALL_QUERY, {"ids": start, "depth": depth}),
            "contagion": (CONTAGION_QUERY, {"ids": start}),
        }[query]
        response = await self.http.post("/graphql", json={"query": text, "variables": variables})
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise HttpRefused(f"{response.status_code}: {(body.get('errors') or [{}])[0].get('message', body)}")
        data = body["data"]
        if query == "traceBack":
            return [(u["batch"]["id"], u["depth"]) for u in data["traceBack"]["upstream"]]
        if query == "recallScope":
            scope = data["recallScope"]
            holdings = {
                (c["enterprise"]["id"], h["batch"]["id"]): h["quantity"]
                for c in scope["consignees"]
                for h in c["holdings"]
            }
            return [(a["batch"]["id"], a["depth"]) for a in scope["affectedBatches"]], holdings
        return [(e["enterprise"]["id"], e["score"]) for e in data["contagion"]]


class HttpRefused(Exception):
    """The HTTP API answered with an error (e.g. a scope over a cap): counted, not fatal."""


def _timed_sync(call: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    answer = call()
    return (time.perf_counter() - began) * 1000, answer


async def attempt(call: Awaitable[tuple[float, Answer]]) -> tuple[float, Answer] | str:
    """A call's (ms, answer), or the text of the refusal or error it met."""
    try:
        return await call
    except Exception as error:  # a refusal (a cap, a timeout) is a result here
        return f"{type(error).__name__}: {str(error)[:300]}"


# --- the data --------------------------------------------------------------------------------------------


def read_records(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """The records of the files, one line at a time."""
    for path in paths:
        with path.open() as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def prepare_data(args: argparse.Namespace) -> tuple[list[Path], dict[str, Any]]:
    """The data files (the generated set, then the stress shapes), generated when missing; what generating took."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"data-{args.size}-{args.seed}.ndjson"
    info: dict[str, Any] = {}
    if not data.exists() or args.regenerate:
        say(f"generating size {args.size} (seed {args.seed}) -> {data}")
        began = time.perf_counter()
        partial = data.with_suffix(".partial")
        with partial.open("w") as f:
            counts = generate(args.size, args.seed, f)
        partial.rename(data)
        info = {"seconds": round(time.perf_counter() - began, 1), "counts": counts}
        say(f"generated {sum(counts.values())} records in {info['seconds']} s")
    else:
        say(f"using {data} (generated before; --regenerate to redo)")
    paths = [data]
    shapes = sweeps.write_shapes(OUT / f"shapes-{args.seed}.ndjson", args.seed) if args.shapes else None
    if shapes:
        paths.append(shapes)
    return paths, info


def count_lines(paths: list[Path]) -> int:
    return sum(sum(1 for _ in path.open("rb")) for path in paths)


def choose_starts(paths: list[Path], n: int, n_contagion: int, seed: int) -> dict[str, list[Any]]:
    """Random starts from the generated set (not the shapes: those are swept on their own)."""
    with_inputs, batch_ids, enterprises = [], [], []
    for r in read_records(paths[:1]):
        if r["type"] == "batch":
            batch_ids.append(r["id"])
            if r.get("inputs"):
                with_inputs.append(r["id"])
        elif r["type"] == "enterprise":
            enterprises.append(r["id"])
    rng = random.Random(seed)
    with_inputs.sort(), batch_ids.sort(), enterprises.sort()
    return {
        "traceBack": [rng.choice(with_inputs) for _ in range(n)],
        "recallScope": [rng.sample(batch_ids, rng.randint(1, 3)) for _ in range(n)],
        "contagion": [rng.sample(enterprises, 10) for _ in range(n_contagion)],
        "batch_ids": batch_ids,
    }


# --- loading Neo4j ------------------------------------------------------------------------------------------


def start_instance(args: argparse.Namespace, wipe: bool) -> None:
    ops = [sys.executable, str(ROOT / "ops" / "neo4j_local.py")]
    if wipe:
        subprocess.run([*ops, "wipe", "--instance", INSTANCE], check=True)
    memory = ["--heap", args.heap, "--pagecache", args.pagecache, "--tx-timeout", "600s"]
    subprocess.run([*ops, "start", "--instance", INSTANCE, "--port", str(args.port), *memory], check=True)


async def load_neo4j(args: argparse.Namespace, paths: list[Path], settings: Settings) -> tuple[Graph, dict]:
    """Load an empty instance: `--load import`, the normal import (validation, idempotent writes, derived state);
    `--load initial`, the initial-load path of ops/initial_load.py (neo4j-admin database import, then the derived
    state), for the generated set; the shapes are then imported normally."""
    total = count_lines(paths)
    if args.reuse_graph:  # the instance holds these files already (a rerun of the queries and sweeps only)
        start_instance(args, wipe=False)
        say(f"reusing what instance '{INSTANCE}' holds (--reuse-graph): no load timed")
        return Graph(open_driver(settings), settings), earlier_load(args.size, total)
    if args.load == "initial":
        module = ingest_rate._initial_load_module()  # ops/ is scripts, not a package
        subprocess.run([sys.executable, str(ROOT / "ops" / "neo4j_local.py"), "wipe", "--instance", INSTANCE])
        first = count_lines(paths[:1])
        say(f"initial load of {first} records ({paths[0].name}): neo4j-admin database import, then the derived state")
        inst = module.ops.Instance(INSTANCE, args.port, args.heap, args.pagecache, "600s")
        began = time.perf_counter()
        outcome = await module.load_initial(paths[0], inst, settings=settings, say=say)  # the generated set only
        seconds = time.perf_counter() - began
        if not outcome.report.ok:
            raise SystemExit(f"initial load of {paths[0].name} failed: {outcome.report.errors[:5]}")
        start_instance(args, wipe=False)  # the loader may leave it stopped; a running instance is kept
        graph = Graph(open_driver(settings), settings)
        await apply_schema(graph)
        for path in paths[1:]:  # the shapes, into the now non-empty graph, through the import
            with path.open() as f:
                report = await import_lines(graph, f)
            if not report.ok:
                raise SystemExit(f"import of {path.name} failed: {report.errors[:5]}")
        return graph, {
            "method": "initial",
            "records": total,
            "seconds": round(seconds, 1),
            "records_per_s": round(first / seconds),
            "stages_s": outcome.seconds,
            "load_average_after": load_average(),
        }
    start_instance(args, wipe=True)
    graph = Graph(open_driver(settings), settings)
    await apply_schema(graph)
    say(f"loading {total} records through the import (validation, idempotent writes, derived state)")
    began = time.perf_counter()
    stages: dict[str, float] = {}
    last = [began]

    def progress(stage: str, done: int, of: int) -> None:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - last[0]
        last[0] = now

    for path in paths:
        with path.open() as f:
            report = await import_lines(graph, f, progress, total_lines=total)
        if not report.ok:
            raise SystemExit(f"import of {path.name} failed: {report.errors[:5]}")
    seconds = time.perf_counter() - began
    say("ingest stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    say(f"ingest: {total / seconds:.0f} records/s ({seconds:.1f} s)")
    return graph, {
        "method": "import",
        "records": total,
        "seconds": round(seconds, 1),
        "records_per_s": round(total / seconds),
        "stages_s": {k: round(v, 1) for k, v in stages.items()},
        "load_average_after": load_average(),
    }


# --- the run --------------------------------------------------------------------------------------------


async def time_queries(systems: Systems, starts: dict[str, list[Any]]) -> dict[str, Any]:
    """Every start on every system: first a pass that checks the answers agree, then a timed pass with the
    systems interleaved per start (a burst of load on the shared machine hits all of them alike)."""
    results: dict[str, Any] = {}
    for query in ("traceBack", "recallScope", "contagion"):
        names = systems.names()
        say(f"{query}: checking answers on {len(starts[query])} starts ({', '.join(names)})")
        disagreements, refusals, sizes = [], {n: 0 for n in names}, []
        for start in starts[query]:
            answers = {}
            for name in names:
                got = await attempt(systems.timed(query, name, start))
                if isinstance(got, str):
                    refusals[name] += 1
                    if refusals[name] == 1:
                        say(f"{query} on {name} refused {start}: {got}")
                else:
                    answers[name] = got[1]
            reference = answers.get("floor")
            sizes.append(len(reference[0] if query == "recallScope" else reference) if reference is not None else 0)
            if any(not same(reference, a) for a in answers.values()):
                disagreements.append(start)
        if disagreements:
            say(f"{query}: {len(disagreements)} starts DISAGREE, e.g. {disagreements[0]}")
        say(f"{query}: timing")
        times: dict[str, list[float]] = {name: [] for name in names}
        for start in starts[query]:
            for name in names:
                got = await attempt(systems.timed(query, name, start))
                if not isinstance(got, str):
                    times[name].append(got[0])
        results[query] = {
            "n": len(starts[query]),
            "agree": not disagreements,
            "disagreements": len(disagreements),
            "refused": {n: c for n, c in refusals.items() if c},
            "answer_size": percentiles([float(s) for s in sizes]),
            **{name: percentiles(samples) for name, samples in times.items() if samples},
        }
        if query == "recallScope":
            small = [t for t, size in zip(times["neo4j"], sizes, strict=False) if size <= 1000]
            results[query]["neo4j_scopes_up_to_1000"] = percentiles(small) if small else None
    return results


async def run(args: argparse.Namespace) -> dict[str, Any]:
    run_began = time.perf_counter()
    paths, generated = prepare_data(args)
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{args.port}",
        neo4j_password="",
        credit_sweep_interval_s=0,
        query_timeout_s=120,
    )
    say(f"fresh Neo4j instance '{INSTANCE}' on port {args.port} (heap {args.heap}, page cache {args.pagecache})")
    graph, ingest = await load_neo4j(args, paths, settings)
    # a rerun of the queries alone keeps the sweeps of the graph it reuses (read before this run's merges replace them)
    kept_sweeps = (earlier(args.size, "sweeps") or {}) if args.reuse_graph and not args.sweeps else {}
    memory: dict[str, Any] = {"after_load": procmem.snapshot({"neo4j": procmem.neo4j_pid(INSTANCE)})}
    memory["after_load"]["bench_client"] = {"peak_rss_mb": procmem.peak_rss_mb()}

    starts = choose_starts(paths, args.starts, args.contagion_starts, args.seed)
    say("building the in-memory floor (scipy CSR) from the record stream")
    began = time.perf_counter()
    floor = Floor(read_records(paths), tie_rows(read_records(paths)))
    floor_seconds = time.perf_counter() - began
    result: dict[str, Any] = {}
    with postgres.server(args.pg_port) as dsn:
        say("loading PostgreSQL 15 with COPY")
        pg_load = postgres.load(dsn, read_records(paths))
        say(f"PostgreSQL: copy {pg_load['copy']:.1f} s, indexes and tie view {pg_load['index']:.1f} s")
        pg = postgres.Baseline(dsn)
        with serve(settings.neo4j_uri, args.http_port, workers=1) as api:
            pids = {
                "neo4j": procmem.neo4j_pid(INSTANCE),
                "postgres": procmem.postmaster_pid(dsn),
                "api": api.pid,
                "bench_client": os.getpid(),
            }
            async with httpx.AsyncClient(base_url=api.url, headers=api.headers, timeout=300) as http:
                systems = Systems(graph, pg, floor, http)
                with procmem.Sampler(lambda: pids, interval_s=10) as sampler:
                    queries = await time_queries(systems, starts)
                    partial = {"size": args.size, "partial": "queries timed, sweeps under way", "queries": queries}
                    merge_results(partial | {"ingest": ingest, "batches": len(starts["batch_ids"])})
                    swept = (
                        await sweeps.run_all(
                            systems, starts, args, say, lambda done: merge_results(partial | {"sweeps": done})
                        )
                        if args.sweeps
                        else kept_sweeps
                    )
            memory["during_queries"] = sampler.summary(warm_up_fraction=0)
            memory["at_end"] = procmem.snapshot(pids)
            memory["at_end"]["bench_client"] = (memory["at_end"].get("bench_client") or {}) | {
                "peak_rss_mb": procmem.peak_rss_mb()
            }
        pg.close()
    await graph.close()
    return {
        "size": args.size,
        "seed": args.seed,
        "batches": len(starts["batch_ids"]),
        "records": ingest["records"],
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_at_end": load_average(),
        "neo4j_memory": {"heap": args.heap, "pagecache": args.pagecache},
        "generate": generated,
        "ingest": ingest,
        "floor_build_s": round(floor_seconds, 1),
        "postgres_load": {k: round(v, 1) for k, v in pg_load.items()},
        "queries": queries,
        "sweeps": swept,
        "memory": memory,
        "run_seconds": round(time.perf_counter() - run_began, 1),
        **result,
    }


def earlier(size: str, key: str) -> Any:
    """What results.json recorded under `key` for the last run of `size` (None: nothing)."""
    try:
        return json.loads(RESULTS.read_text())["runs"][size].get(key)
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None


def earlier_load(size: str, records: int) -> dict[str, Any]:
    """The load of a rerun of the queries (--reuse-graph): the one results.json recorded for the same size and
    records, marked as reused, so a rerun keeps the size's load time; nothing timed when there is none."""
    load = earlier(size, "ingest")
    if isinstance(load, dict) and load.get("records") == records and load.get("seconds") is not None:
        return {**load, "reused": True}
    return {"method": "reused", "records": records, "seconds": None}


def merge_results(result: dict[str, Any]) -> dict[str, Any]:
    """results.json holds one run per size (`runs`), and whatever other benchmarks put beside them (`load`)."""
    merged: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            merged = json.loads(RESULTS.read_text())
        except json.JSONDecodeError:
            merged = {}
    if "runs" not in merged:  # a file of the earlier one-run layout is replaced
        merged = {"runs": {}}
    merged["runs"][result["size"]] = result
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")
    return merged


def table(result: dict[str, Any]) -> str:
    lines = [
        f"size {result['size']}: {result['batches']} batches, {result['records']} records; {result['machine']}",
        f"load ({result['ingest']['method']}): {result['ingest'].get('records_per_s')} records/s "
        f"({result['ingest']['seconds']} s); whole run {result['run_seconds']} s; "
        f"load average at end {result['load_average_at_end']}",
        "",
        f"{'query':<12} {'system':<10} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}   agree",
    ]
    for query, r in result["queries"].items():
        for system in Systems.NAMES:
            if r.get(system):
                p = r[system]
                lines.append(
                    f"{query:<12} {system:<10} {p['p50_ms']:>9} {p['p95_ms']:>9} {p['p99_ms']:>9}   {r['agree']}"
                )
    lines.append("")
    for name, m in (result["memory"].get("at_end") or {}).items():
        lines.append(f"memory {name:<13} {m}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=300)
    parser.add_argument("--contagion-starts", type=int, default=40)
    parser.add_argument("--port", type=int, default=7690, help="the bench Neo4j instance's Bolt port")
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--http-port", type=int, default=8799)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="4g")
    parser.add_argument("--load", choices=["import", "initial"], default="import")
    parser.add_argument("--reuse-graph", action="store_true", help="query what the instance holds, load nothing")
    parser.add_argument("--regenerate", action="store_true", help="generate the data set even if its file exists")
    parser.add_argument("--shapes", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--sweeps", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--sweep-repeat", type=int, default=10, help="timed calls per sweep point and system")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    merge_results(result)
    print(table(result))
    say(f"merged size {args.size} into {RESULTS}")


if __name__ == "__main__":
    main()
