"""Where the time of a GraphQL answer over HTTP goes, against the graph layer that computes it (issue 15).

    python -m bench.http_overhead --size S|M [--port 7723] [--http-port 8813] [--requests 100] [--reload]
    python -m bench.http_overhead --audit-write 300 [--port 7723]   (the audit write alone, old against new)

Loads the synthetic data set as bench/run.py does (seed.generate, then graph.imports.import_lines; skipped when the
instance already holds it, unless --reload), then for each bench query (bench/run.py's TRACE_QUERY, RECALL_QUERY,
CONTAGION_QUERY, plus a large recall of about 1 000 consignee lines and a trivial `{ __typename }`) times, on the
same starts, alternated request by request:

- the graph layer: the function the resolver calls (graph.trace.trace_back, ...), as bench/run.py times it;
- the app in process (httpx's ASGITransport), with the split of each request into: every ASGI middleware
  (exclusive time), routing, body decoding and context, GraphQL parse, validation (with the access guard and the
  cost limiter), execution (of which the graph layer and the other database round trips: loaders, the audit
  trail), the rest of the operation (extensions' hooks, the audit write), and serialisation (result to JSON);
- the app under a real uvicorn (a subprocess on --http-port), over TCP.

Then it profiles repeated in-process requests of each query with cProfile and keeps the top functions by own time.
Writes bench/out/http_overhead.json and prints a table. Timings are only comparisons on a shared machine: the
load average is recorded beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from strawberry.extensions import SchemaExtension

from bench.run import CONTAGION_QUERY, HOPS, MAX_DEPTH, MIN_SCORE, RECALL_QUERY, TRACE_QUERY, percentiles
from graph import audit, contagion, recall_scope, trace
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.schema import apply_schema
from graph.settings import Settings
from seed.generate import write as generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
AUDIENCE = "tracegraph-api"
LARGE_RECALL_LINES = 1000
TYPENAME_QUERY = "{ __typename }"


def say(message: str) -> None:
    print(f"[http_overhead] {message}", flush=True)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- phases of one request -----------------------------------------------------------------------------------

_phases: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("phases", default=None)


def add(phase: str, seconds: float) -> None:
    phases = _phases.get()
    if phases is not None:
        phases[phase] = phases.get(phase, 0.0) + seconds


@contextmanager
def timing(phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(phase, time.perf_counter() - started)


class Probe:
    """Pure ASGI: the whole time of the app it wraps (a middleware and everything inside it)."""

    def __init__(self, app: Any, name: str):
        self.app, self.name = app, name

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with timing(f"in:{self.name}"):
            await self.app(scope, receive, send)


class PhaseTimer(SchemaExtension):
    """Parse, validation and execution of the operation, from Strawberry's own hooks (first in the list, so each
    phase includes the other extensions' work in it)."""

    def on_operation(self) -> Iterator[None]:
        with timing("operation"):
            yield

    def on_parse(self) -> Iterator[None]:
        with timing("parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with timing("validate"):
            yield

    def on_execute(self) -> Iterator[None]:
        with timing("execute"):
            yield


def wrap_async(owner: Any, name: str, phase: str) -> None:
    original = getattr(owner, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            add(phase, time.perf_counter() - started)

    setattr(owner, name, timed)


def wrap_sync(owner: Any, name: str, phase: str) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            add(phase, time.perf_counter() - started)

    setattr(owner, name, timed)


_in_graph_layer: contextvars.ContextVar[bool] = contextvars.ContextVar("in_graph_layer", default=False)
_in_db: contextvars.ContextVar[bool] = contextvars.ContextVar("in_db", default=False)


def instrument() -> None:
    """Timers around the graph layer, every database round trip, the audit write and the router's steps (this
    process only: the uvicorn server runs the app as it is)."""
    from api.graphql_http import StrictGraphQLRouter

    for module, name in ((trace, "trace_back"), (recall_scope, "recall_scope"), (contagion, "contagion")):
        original = getattr(module, name)

        async def layer(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            token = _in_graph_layer.set(True)
            started = time.perf_counter()
            try:
                return await _original(*args, **kwargs)
            finally:
                add("graph layer", time.perf_counter() - started)
                _in_graph_layer.reset(token)

        setattr(module, name, layer)
    for method in ("read", "write"):
        original = getattr(Graph, method)

        async def db(self: Graph, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if _in_db.get():  # a write's schema check reads: counted once, in the write
                return await _original(self, *args, **kwargs)
            token = _in_db.set(True)
            started = time.perf_counter()
            try:
                return await _original(self, *args, **kwargs)
            finally:
                _in_db.reset(token)
                if not _in_graph_layer.get():
                    add("db outside the graph layer", time.perf_counter() - started)

        setattr(Graph, method, db)
    wrap_async(audit, "append", "audit write")
    wrap_async(StrictGraphQLRouter, "run", "endpoint")
    wrap_async(StrictGraphQLRouter, "process_result", "serialise")
    wrap_sync(StrictGraphQLRouter, "encode_json", "serialise")


def probed_app(settings: Settings, graph: Graph) -> tuple[Any, list[str]]:
    """The app with a Probe before each of its middlewares and before the router, and the phase timer in its
    schema; the names of the middlewares, outermost first."""
    from starlette.middleware import Middleware

    from api import main

    def build_timed_schema(settings: Settings) -> Any:
        schema = build_schema(settings)
        schema.extensions = (PhaseTimer, *schema.extensions)
        return schema

    build_schema = main.build_schema
    main.build_schema = build_timed_schema
    try:
        app = main.create_app(settings, graph)
    finally:
        main.build_schema = build_schema
    names = []
    probed = []
    for entry in app.user_middleware:
        name = getattr(entry.cls, "__name__", str(entry.cls))
        if name == "BaseHTTPMiddleware":
            name = f"access log ({name})"
        names.append(name)
        probed += [Middleware(Probe, name=name), entry]
    probed.append(Middleware(Probe, name="routing"))
    app.user_middleware[:] = probed
    return app, names


def split(phases: dict[str, float], middlewares: list[str]) -> dict[str, float]:
    """Exclusive milliseconds per part of one request."""
    ms = {k: v * 1000 for k, v in phases.items()}
    out: dict[str, float] = {}
    inner = [*middlewares, "routing"]
    for outer, nested in itertools.pairwise(inner):
        out[f"middleware: {outer}"] = ms.get(f"in:{outer}", 0) - ms.get(f"in:{nested}", 0)
    endpoint = ms.get("endpoint", 0)
    out["routing, dependencies"] = ms.get("in:routing", 0) - endpoint
    operation = ms.get("operation", 0)
    serialise = ms.get("serialise", 0)
    out["body decoding, context"] = endpoint - operation - serialise
    out["GraphQL parse"] = ms.get("parse", 0)
    out["GraphQL validation (guard, cost, limits)"] = ms.get("validate", 0)
    graph_layer = ms.get("graph layer", 0)
    other_db = ms.get("db outside the graph layer", 0)
    audit_write = ms.get("audit write", 0)
    execute = ms.get("execute", 0)
    out["graph layer"] = graph_layer
    out["execution: loaders' database round trips"] = max(0.0, other_db - audit_write)
    out["execution: resolvers, GraphQL completion"] = execute - graph_layer - max(0.0, other_db - audit_write)
    out["audit write"] = audit_write
    out["operation: other extension hooks"] = operation - ms.get("parse", 0) - ms.get("validate", 0) - execute
    out["operation: other extension hooks"] -= audit_write
    out["serialisation (result to JSON)"] = serialise
    out["total in the app"] = ms.get(f"in:{middlewares[0]}", 0) if middlewares else ms.get("in:routing", 0)
    return out


# --- the data set and the queries --------------------------------------------------------------------------


async def loaded_graph(args: argparse.Namespace) -> tuple[Graph, Settings, list[dict[str, Any]]]:
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"data-{args.size}-{args.seed}.ndjson"
    if not data.exists():
        say(f"generating size {args.size} (seed {args.seed}) -> {data}")
        with data.open("w") as f:
            generate(args.size, args.seed, f)
    lines = data.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    ops = [sys.executable, str(ROOT / "ops" / "neo4j_local.py")]
    if args.reload:
        subprocess.run([*ops, "wipe", "--instance", args.instance], check=True)
    start = ["start", "--instance", args.instance, "--port", str(args.port), "--heap", args.heap]
    subprocess.run([*ops, *start, "--pagecache", args.pagecache, "--tx-timeout", "600s"], check=True)
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{args.port}",
        neo4j_password="",
        credit_sweep_interval_s=0,
        query_timeout_s=600,  # the load's reads on a machine shared at load average 15-20 outlast the 15 s default
        auth_issuers=[args.issuer_url],
        auth_audience=AUDIENCE,
        auth_local_issuer=False,
        log_level="WARNING",
    )
    graph = Graph(open_driver(settings), settings)
    await apply_schema(graph)
    from graph import lookup

    last_batch = next(r["id"] for r in reversed(records) if r["type"] == "batch")
    if (await lookup.batches(graph, [last_batch]))[0] is None:
        say(f"loading {len(lines)} records through the import")
        started = time.perf_counter()
        report = await import_lines(graph, lines)
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:5]}")
        say(f"loaded in {time.perf_counter() - started:.1f} s")
    else:
        say("the instance already holds the data set (--reload loads it again)")
    return graph, settings, records


async def large_recall(graph: Graph, records: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """Sources whose recall scope holds about LARGE_RECALL_LINES consignee lines (holdings): upstream lots
    (without inputs) reach furthest; sources are added until the lines reach the target."""
    roots = [r["id"] for r in records if r["type"] == "batch" and not r.get("inputs")]
    rng.shuffle(roots)
    best: tuple[int, list[str]] = (0, [])
    chosen: list[str] = []
    for candidate in roots[:400]:
        scope = await recall_scope.recall_scope(graph, [*chosen, candidate], MAX_DEPTH)
        lines = sum(len(c.holdings) for c in scope.consignees)
        if lines <= LARGE_RECALL_LINES * 1.1:
            chosen.append(candidate)
            best = (lines, list(chosen))
        if lines >= LARGE_RECALL_LINES * 0.9:
            break
    say(f"large recall: {len(best[1])} sources, {best[0]} consignee lines")
    return best[1]


Case = tuple[str, str, Callable[[Any], dict[str, Any]], Callable[[Graph, Any], Awaitable[Any]], list[Any]]


async def cases(graph: Graph, records: list[dict[str, Any]], n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    with_inputs = sorted(r["id"] for r in records if r["type"] == "batch" and r.get("inputs"))
    batch_ids = sorted(r["id"] for r in records if r["type"] == "batch")
    enterprises = sorted(r["id"] for r in records if r["type"] == "enterprise")
    big = await large_recall(graph, records, rng)

    async def nothing(_graph: Graph, _start: Any) -> None:
        return None

    return [
        ("typename", TYPENAME_QUERY, lambda s: {}, nothing, [None] * n),
        (
            "traceBack",
            TRACE_QUERY,
            lambda s: {"id": s, "depth": MAX_DEPTH},
            lambda g, s: trace.trace_back(g, s, MAX_DEPTH),
            [rng.choice(with_inputs) for _ in range(n)],
        ),
        (
            "recallScope",
            RECALL_QUERY,
            lambda s: {"ids": s, "depth": MAX_DEPTH},
            lambda g, s: recall_scope.recall_scope(g, s, MAX_DEPTH),
            [rng.sample(batch_ids, rng.randint(1, 3)) for _ in range(n)],
        ),
        (
            "recallScope large",
            RECALL_QUERY,
            lambda s: {"ids": s, "depth": MAX_DEPTH},
            lambda g, s: recall_scope.recall_scope(g, s, MAX_DEPTH),
            [big] * max(10, n // 5),
        ),
        (
            "contagion",
            CONTAGION_QUERY,
            lambda s: {"ids": s},
            lambda g, s: contagion.contagion(g, s, HOPS, MIN_SCORE),
            [rng.sample(enterprises, 10) for _ in range(max(10, n // 10))],
        ),
    ]


# --- the servers ---------------------------------------------------------------------------------------------


@contextmanager
def uvicorn_server(
    args: argparse.Namespace, key_file: Path, root: Path = ROOT, uds: str | None = None
) -> Iterator[str]:
    """The app of the source tree `root` under uvicorn: on --http-port, or on the Unix socket `uds`. The server on
    --http-port serves the keys of the tokens this tool signs (the local issuer); every server fetches them there."""
    env = {
        **os.environ,
        "NEO4J_URI": f"bolt://127.0.0.1:{args.port}",
        "NEO4J_PASSWORD": "",
        "CREDIT_SWEEP_INTERVAL_S": "0",
        "LOG_LEVEL": "WARNING",
        "AUTH_LOCAL_ISSUER": "1",
        "AUTH_LOCAL_ISSUER_URL": args.issuer_url,
        "AUTH_LOCAL_KEY_FILE": str(key_file),
        "AUTH_AUDIENCE": AUDIENCE,
        "PYTHONPATH": str(root),
    }
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--factory", "--no-access-log"]
    command += ["--log-level", "warning"]
    command += ["--uds", uds] if uds else ["--host", "127.0.0.1", "--port", str(args.http_port)]
    server = subprocess.Popen(command, env=env, cwd=root)
    try:
        yield uds or f"http://127.0.0.1:{args.http_port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def client_of(where: str, headers: dict[str, str]) -> httpx.AsyncClient:
    if where.startswith("http"):
        return httpx.AsyncClient(base_url=where, headers=headers, timeout=300)
    transport = httpx.AsyncHTTPTransport(uds=where)
    return httpx.AsyncClient(transport=transport, base_url="http://app", headers=headers, timeout=300)


async def ready(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 600  # a loaded machine starts a server slowly
    while time.monotonic() < deadline:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("the server did not become ready")


async def post(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"GraphQL failed ({response.status_code}): {body.get('errors', body)}")
    return elapsed


# --- the run -------------------------------------------------------------------------------------------------


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    from api.local_issuer import LocalIssuer
    from api.logs import configure_logging

    configure_logging("WARNING", json=True)  # as the server: the access log's info lines are filtered out
    began = time.perf_counter()
    key_file = Path(tempfile.mkdtemp(prefix="tracegraph-bench-issuer-")) / "keys.json"
    issuer = LocalIssuer(args.issuer_url, key_file, AUDIENCE)
    token = issuer.token("bench", ["admin"], ttl_s=12 * 3600)
    headers = {"Authorization": f"Bearer {token}"}
    graph, settings, records = await loaded_graph(args)
    if args.load_only:
        await graph.close()
        return {}
    instrument()
    app, middlewares = probed_app(settings, graph)
    all_cases = await cases(graph, records, args.requests, args.seed)
    load_before = load_average()
    result: dict[str, Any] = {"size": args.size, "requests": args.requests, "middlewares": middlewares}
    socket_dir = Path(tempfile.mkdtemp(prefix="tracegraph-bench-uds-"))
    with ExitStack() as servers:
        async with AsyncExitStack() as clients:
            # uvicorn (HTTP): this tree over TCP. With --baseline: this tree and the baseline tree over Unix sockets,
            # alternated request by request ("uvicorn, this tree (uds)" against "uvicorn, baseline (uds)").
            targets = {"uvicorn (HTTP)": servers.enter_context(uvicorn_server(args, key_file))}
            if args.baseline:
                for name, root, sock in (
                    ("uvicorn, this tree (uds)", ROOT, "this.sock"),
                    ("uvicorn, baseline (uds)", args.baseline, "baseline.sock"),
                ):
                    targets[name] = servers.enter_context(uvicorn_server(args, key_file, root, str(socket_dir / sock)))
            transport = httpx.ASGITransport(app=app)
            local = await clients.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://app", headers=headers, timeout=300)
            )
            remotes = {name: await clients.enter_async_context(client_of(w, headers)) for name, w in targets.items()}
            for remote in remotes.values():
                await ready(remote)
            queries: dict[str, Any] = {}
            for name, query, variables, layer, starts in all_cases:
                say(f"{name}: {len(starts)} starts (load {load_average()})")
                for start in starts[:3]:  # warm: the first request fetches the keys, plans the statements
                    await post(local, query, variables(start))
                    for remote in remotes.values():
                        await post(remote, query, variables(start))
                    await layer(graph, start)
                times: dict[str, list[float]] = defaultdict(list)
                parts: dict[str, list[float]] = defaultdict(list)
                for i, start in enumerate(starts):
                    started = time.perf_counter()
                    await layer(graph, start)
                    times["graph layer"].append((time.perf_counter() - started) * 1000)
                    phases: dict[str, float] = {}
                    token_ = _phases.set(phases)
                    try:
                        times["in process (ASGI)"].append(await post(local, query, variables(start)))
                    finally:
                        _phases.reset(token_)
                    for part, ms in split(phases, middlewares).items():
                        parts[part].append(ms)
                    order = list(remotes.items())
                    for target, remote in order if i % 2 else reversed(order):  # neither always first
                        times[target].append(await post(remote, query, variables(start)))
                queries[name] = {
                    "n": len(starts),
                    **{system: percentiles(samples) for system, samples in times.items()},
                    "split_mean_ms": {part: round(sum(v) / len(v), 3) for part, v in parts.items()},
                    "split_p50_ms": {part: round(sorted(v)[len(v) // 2], 3) for part, v in parts.items()},
                }
            result["queries"] = queries
    if not args.skip_profile:
        result["profiles"] = await profiles(app, headers, all_cases, args.profile_requests)
    result["load_average"] = {"before": load_before, "after": load_average()}
    result["seconds"] = round(time.perf_counter() - began, 1)
    await graph.close()
    return result


async def profiles(app: Any, headers: dict[str, str], all_cases: list[Case], n: int) -> dict[str, Any]:
    """cProfile of `n` repeated in-process requests per query: the top functions by own time."""
    out = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app", headers=headers, timeout=300) as client:
        for name, query, variables, _layer, starts in all_cases:
            if name == "typename":
                continue
            count = n if name != "contagion" else max(3, n // 10)
            profile = cProfile.Profile()
            profile.enable()
            for start in (starts * (count // len(starts) + 1))[:count]:
                await post(client, query, variables(start))
            profile.disable()
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text)
            stats.sort_stats("tottime").print_stats(25)
            rows = []
            for (file, line, function), (_cc, calls, own, cumulative, _callers) in sorted(
                stats.stats.items(),  # type: ignore[attr-defined]
                key=lambda item: item[1][2],
                reverse=True,
            )[:25]:
                where = file.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
                rows.append(
                    {
                        "function": f"{where}:{line}({function})",
                        "calls_per_request": round(calls / count, 1),
                        "own_ms_per_request": round(own * 1000 / count, 3),
                        "cumulative_ms_per_request": round(cumulative * 1000 / count, 3),
                    }
                )
            out[name] = {"requests": count, "top_by_own_time": rows}
    return out


async def audit_write(args: argparse.Namespace) -> dict[str, Any]:
    """An audited read's event, written as before this round (the schema check's read before every write, then a
    managed transaction: three round trips) and as now (`audit.append`: the check trusted for a second, one
    auto-commit write), alternated, `args.audit_write` times each, on the instance at --port (it needs the
    schema: any instance this tool or the tests loaded). About half a minute."""
    from graph.audit import Entry, Outcome
    from graph.clock import now_ms

    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0)
    graph = Graph(open_driver(settings), settings)
    entries = [Entry("bench", ("admin",), "Query.recallScope", ("B1", "B2"), Outcome.OK, None)]

    async def before() -> None:
        graph.forget_schema()
        await graph.write("audit/append_events", events=[e.row() for e in entries], now=now_ms())

    async def now() -> None:
        await audit.append(graph, entries)

    ways = {"before (check + managed transaction)": before, "now (audit.append)": now}
    try:
        for _ in range(10):  # warm: connections, plans
            for way in ways.values():
                await way()
        times: dict[str, list[float]] = defaultdict(list)
        load_before = load_average()
        for i in range(args.audit_write):
            for name, way in list(ways.items())[:: 1 if i % 2 else -1]:  # neither always first
                started = time.perf_counter()
                await way()
                times[name].append((time.perf_counter() - started) * 1000)
    finally:
        await graph.close()
    return {
        "audit_write": {name: percentiles(samples) for name, samples in times.items()},
        "load_average": {"before": load_before, "after": load_average()},
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"size {result['size']}, load average {result['load_average']}, {result['seconds']} s"]
    for name, q in result["queries"].items():
        lines.append("")
        lines.append(f"{name} (n {q['n']})")
        for system in [k for k, v in q.items() if isinstance(v, dict) and "p95_ms" in v]:
            p = q[system]
            lines.append(f"  {system:<26} p50 {p['p50_ms']:>9} p95 {p['p95_ms']:>9} ms")
        for part, ms in q["split_mean_ms"].items():
            lines.append(f"    {part:<48} {ms:>9.3f} ms (mean)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="starts per query (the large ones fewer)")
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument("--port", type=int, default=7690, help="the bench Neo4j instance's bolt port")
    parser.add_argument("--http-port", type=int, default=8799)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="4g")
    parser.add_argument("--instance", default="bench", help="the Neo4j instance (ops/neo4j_local.py) to use")
    parser.add_argument("--load-only", action="store_true", help="load the data set and stop")
    parser.add_argument("--baseline", type=Path, help="another source tree (e.g. `git archive` of main) to compare")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--reload", action="store_true", help="wipe the bench instance and load the data again")
    parser.add_argument("--out", type=Path, default=OUT / "http_overhead.json")
    parser.add_argument("--audit-write", type=int, metavar="N", help="only time the audit write, old against new")
    args = parser.parse_args()
    if args.audit_write:
        print(json.dumps(asyncio.run(audit_write(args)), indent=2))
        return
    args.issuer_url = f"http://127.0.0.1:{args.http_port}/auth/local"  # served by the uvicorn server
    result = asyncio.run(measure(args))
    if args.load_only:
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    say(f"wrote {args.out}")


if __name__ == "__main__":
    main()
