"""Where a graph-layer answer's time goes: for a sample of bench.run's starts, per query (traceBack, recallScope,
contagion), the split between the Neo4j server (the summary's result_available_after + result_consumed_after, and
PROFILE's db hits), the driver round trip (wall time of the read minus the server's), and building the domain
objects from the records; beside it the whole graph-layer call as bench.run times it. Writes
bench/out/profile_split.json (the percentile shape of bench/out/results.json).

    python -m bench.profile_split --size S|M --port 7722 [--starts 100] [--against REV]

The data is bench.run's (seed.generate, then the normal import) in the Neo4j instance `bench` on --port; it is
loaded only when the instance does not hold it (--reload forces it): at M about 2-5 minutes, the profile itself
1-3 minutes. --against REV also times the graph layer of REV (its graph/trace.py, recall_scope.py, contagion.py,
tie_search.py and their cypher/ statements, read from git) against the working tree's, alternated in random order
on the same starts, after checking that both give the same answers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import os
import random
import subprocess
import sys
import time
import types
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import neo4j
from neo4j import Query

from bench.run import MAX_DEPTH, OUT, ROOT, choose_starts, machine, percentiles, same
from graph import contagion, recall_scope, trace
from graph.cypher import cypher
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.schema import apply_schema
from graph.settings import Settings
from graph.tie_search import TieGraph
from seed.generate import write as generate

HOPS = 3
MIN_SCORE = 0.05
MODULES = ("graph.tie_search", "graph.trace", "graph.recall_scope", "graph.contagion")


def say(message: str) -> None:
    print(f"[profile] {message}", flush=True)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- data ----------------------------------------------------------------------------------------------


async def batch_count(graph: Graph) -> int:
    records = await graph.read("ops/count_batches")
    return records[0]["batches"]


async def ensure_data(args: argparse.Namespace) -> tuple[Graph, list[dict[str, Any]]]:
    """The instance `bench` on args.port holding bench.run's data set of args.size (loaded when it does not)."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"data-{args.size}-{args.seed}.ndjson"
    with data.open("w") as f:
        counts = generate(args.size, args.seed, f)
    lines = data.read_text().splitlines()
    ops = [sys.executable, str(ROOT / "ops" / "neo4j_local.py")]
    start = [*ops, "start", "--instance", "bench", "--port", str(args.port), "--heap", args.heap]
    start += ["--pagecache", args.pagecache, "--tx-timeout", "600s"]
    subprocess.run(start, check=True)
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0)
    graph = Graph(open_driver(settings), settings)
    if args.reload or await batch_count(graph) != counts["batch"]:
        await graph.close()
        say(f"loading size {args.size} (seed {args.seed}) into a wiped instance 'bench'")
        subprocess.run([*ops, "wipe", "--instance", "bench"], check=True)
        subprocess.run(start, check=True)
        graph = Graph(open_driver(settings), settings)
        await apply_schema(graph)
        began = time.perf_counter()
        report = await import_lines(graph, lines, lambda *_: None)
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:5]}")
        say(f"loaded {len(lines)} records in {time.perf_counter() - began:.0f} s")
    return graph, [json.loads(line) for line in lines]


# --- one statement, measured ---------------------------------------------------------------------------


async def measured_read(graph: Graph, name: str, params: Mapping[str, Any]) -> tuple[list[neo4j.Record], dict]:
    """graph.read's auto-commit query, with the server's own times from the result summary."""
    query = Query(cypher(name), timeout=graph.settings.query_timeout_s)
    began = time.perf_counter()
    async with graph.driver.session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
        result = await s.run(query, dict(params))
        records = [record async for record in result]
        summary = await result.consume()
    wall = (time.perf_counter() - began) * 1000
    server = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
    return records, {"wall_ms": wall, "server_ms": float(server), "driver_ms": wall - server, "rows": len(records)}


def plan_hits(plan: Mapping[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(plan_hits(c) for c in plan.get("children", []))


async def db_hits(graph: Graph, name: str, params: Mapping[str, Any]) -> int:
    query = Query("PROFILE " + cypher(name), timeout=graph.settings.query_timeout_s)  # type: ignore[arg-type]
    async with graph.driver.session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
        result = await s.run(query, dict(params))
        summary = await result.consume()
    return plan_hits(summary.profile or {})


def ms_since(began: float) -> float:
    return (time.perf_counter() - began) * 1000


# --- the splits ----------------------------------------------------------------------------------------


async def split_trace(graph: Graph, root: str) -> dict[str, float]:
    params = {"id": root, "maxDepth": MAX_DEPTH, "limit": 10_001}
    records, part = await measured_read(graph, "trace/trace_back", params)
    began = time.perf_counter()
    answer = trace.trace_from(records, root, 10_000)
    part["build_ms"] = ms_since(began)
    part["db_hits"] = await db_hits(graph, "trace/trace_back", params)
    part["answer_batches"] = len(answer.upstream)
    return part


async def split_recall(graph: Graph, sources: list[str]) -> dict[str, float]:
    params = {"ids": sources, "maxDepth": MAX_DEPTH, "limit": 10_001}
    records, part = await measured_read(graph, "recall/recall_scope", params)
    began = time.perf_counter()
    answer = recall_scope.scope_from(records[0]["scope"], sources, 10_000)
    part["build_ms"] = ms_since(began)
    part["db_hits"] = await db_hits(graph, "recall/recall_scope", params)
    part["answer_batches"] = len(answer.affected)
    return part


async def split_contagion(graph: Graph, sources: list[str]) -> dict[str, float]:
    """The neighbourhood statement as the uncached path runs it, then the arrays and the search."""
    params = {"sourceIds": sources, "maxHops": HOPS, "limit": graph.settings.contagion_max_ties + 1}
    records, part = await measured_read(graph, "contagion/neighbourhood", params)
    columns = records[0]
    began = time.perf_counter()
    kinds = [contagion.KIND_OF_WEIGHT[w] for w in columns["weight"]]
    adj = TieGraph(columns["a"], columns["b"], kinds, columns["weight"], [v or None for v in columns["via"]])
    part["arrays_ms"] = ms_since(began)
    began = time.perf_counter()
    found = contagion.exposures(adj, sources, HOPS, MIN_SCORE)
    part["search_ms"] = ms_since(began)
    part["build_ms"] = part["arrays_ms"] + part["search_ms"]
    part["db_hits"] = await db_hits(graph, "contagion/neighbourhood", params)
    part["ties"] = len(columns["a"])
    part["exposures"] = len(found)
    return part


# --- the graph layer's whole call, of the working tree and of another revision --------------------------


class Layer:
    """The graph-layer functions bench.run times, from one set of modules, and the graph they read."""

    def __init__(self, graph: Graph, modules: Mapping[str, types.ModuleType]):
        self.graph = graph
        self.trace_module = modules["graph.trace"]
        self.recall_module = modules["graph.recall_scope"]
        self.contagion_module = modules["graph.contagion"]

    async def traceBack(self, root: str) -> Any:
        t = await self.trace_module.trace_back(self.graph, root, MAX_DEPTH)
        return t.root, [(u.batch, u.depth) for u in t.upstream], t.custody

    async def recallScope(self, sources: list[str]) -> Any:
        scope = await self.recall_module.recall_scope(self.graph, sources, MAX_DEPTH)
        holdings = {
            (c.enterprise_id, h.batch.id): (
                h.quantity,
                h.forwarded,
                h.used,
                h.shipments,
                h.first_shipped_at,
                h.last_shipped_at,
                h.depth,
                [(s.shipment, s.consignor, s.declaration, s.shipped_at) for s in h.carried],
            )
            for c in scope.consignees
            for h in c.holdings
        }
        edges = [(e.input, e.output, e.quantity, e.unit) for e in scope.edges]
        return [(t.batch, t.depth) for t in scope.affected], [b for b in scope.sources], holdings, edges

    async def contagion(self, sources: list[str]) -> Any:
        found = await self.contagion_module.contagion(self.graph, sources, HOPS, MIN_SCORE)
        return [(e.enterprise, e.score, e.action) for e in found]


class RevisionGraph(Graph):
    """A Graph that runs the named statements as they were at another revision."""

    def __init__(self, graph: Graph, revision: str):
        super().__init__(graph.driver, graph.settings)
        self.revision = revision
        self.texts: dict[str, str] = {}

    def text(self, name: str) -> str:
        if name not in self.texts:
            shown = subprocess.run(
                ["git", "show", f"{self.revision}:cypher/{name}.cypher"], cwd=ROOT, capture_output=True, text=True
            )
            self.texts[name] = shown.stdout.strip() if shown.returncode == 0 else cypher(name)
        return self.texts[name]

    async def read(self, name: str, **params: Any) -> list[neo4j.Record]:
        async with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
            result = await s.run(Query(self.text(name), timeout=self.settings.query_timeout_s), params)  # type: ignore[arg-type]
            return [record async for record in result]


def modules_at(revision: str) -> dict[str, types.ModuleType]:
    """MODULES as they were at `revision`, imported under other names (each sees the others of its revision)."""
    loaded: dict[str, types.ModuleType] = {}
    saved = {name: sys.modules[name] for name in MODULES}
    try:
        for name in MODULES:
            path = name.replace(".", "/") + ".py"
            source = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True, capture_output=True)
            spec = importlib.util.spec_from_loader(f"{name}@{revision}", loader=None)
            assert spec is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # the later modules' imports find this revision's
            sys.modules[spec.name] = module  # dataclasses look their module up by name
            exec(compile(source.stdout, f"{revision}:{path}", "exec"), module.__dict__)
            loaded[name] = module
    finally:
        sys.modules.update(saved)
    return loaded


async def compare(
    graph: Graph, revision: str, starts: dict[str, list[Any]], n: int, rng: random.Random
) -> dict[str, Any]:
    old = Layer(RevisionGraph(graph, revision), modules_at(revision))
    new = Layer(graph, {name: sys.modules[name] for name in MODULES})
    out: dict[str, Any] = {}
    for query in ("traceBack", "recallScope", "contagion"):
        say(f"{query}: {revision} against the working tree, alternated on {n} starts (load {load_average()})")
        times: dict[str, list[float]] = {"old": [], "new": []}
        disagree = 0
        for start in starts[query][:n]:
            order = [("old", old), ("new", new)]
            rng.shuffle(order)
            answers = {}
            for label, layer in order:
                began = time.perf_counter()
                answers[label] = await getattr(layer, query)(start)
                times[label].append(ms_since(began))
            if not same_answer(answers["old"], answers["new"]):
                disagree += 1
        out[query] = {
            "old": percentiles(times["old"]),
            "new": percentiles(times["new"]),
            "disagreements": disagree,
            "load_average": load_average(),
        }
        say(
            f"{query}: old p50 {out[query]['old']['p50_ms']} p95 {out[query]['old']['p95_ms']}, "
            f"new p50 {out[query]['new']['p50_ms']} p95 {out[query]['new']['p95_ms']}, {disagree} disagree"
        )
    return out


def same_answer(a: Any, b: Any) -> bool:
    if isinstance(a, list) and a and isinstance(a[0], tuple) and len(a[0]) == 3 and isinstance(a[0][1], float):
        return [(x, z) for x, _, z in a] == [(x, z) for x, _, z in b] and same([x[:2] for x in a], [x[:2] for x in b])
    return a == b


# --- the run -------------------------------------------------------------------------------------------


SPLITS: dict[str, Callable[[Graph, Any], Awaitable[dict[str, float]]]] = {
    "traceBack": split_trace,
    "recallScope": split_recall,
    "contagion": split_contagion,
}
WHOLE = {"traceBack": "traceBack", "recallScope": "recallScope", "contagion": "contagion"}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    graph, records = await ensure_data(args)
    starts = choose_starts(records, args.starts, args.seed)
    layer = Layer(graph, {name: sys.modules[name] for name in MODULES})
    result: dict[str, Any] = {
        "size": args.size,
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "starts": args.starts,
        "queries": {},
    }
    for query, split in SPLITS.items():
        sample = starts[query][: args.starts]
        for start in sample[:3]:  # warm the page cache and the query cache
            await split(graph, start)
            await getattr(layer, query)(start)
        say(f"{query}: {len(sample)} starts (load {load_average()})")
        parts: dict[str, list[float]] = {}
        whole: list[float] = []
        for start in sample:
            for key, value in (await split(graph, start)).items():
                parts.setdefault(key, []).append(float(value))
            began = time.perf_counter()
            await getattr(layer, WHOLE[query])(start)
            whole.append(ms_since(began))
        result["queries"][query] = {
            "graph_layer": percentiles(whole),
            **{key: percentiles(values) for key, values in parts.items()},
            "load_average": load_average(),
        }
        q = result["queries"][query]
        say(
            f"{query}: graph layer p50 {q['graph_layer']['p50_ms']} p95 {q['graph_layer']['p95_ms']} ms; server p50 "
            f"{q['server_ms']['p50_ms']}, driver {q['driver_ms']['p50_ms']}, build {q['build_ms']['p50_ms']}, "
            f"db hits {q['db_hits']['p50_ms']}"
        )
    args.out.write_text(json.dumps(result, indent=2) + "\n")  # kept should the comparison fail
    if args.against:
        result["against"] = {"revision": args.against}
        result["against"].update(await compare(graph, args.against, starts, args.starts, random.Random(args.seed)))
    await graph.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=100)
    parser.add_argument("--port", type=int, default=7722)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--reload", action="store_true", help="wipe the instance and load the data again")
    parser.add_argument("--against", metavar="REV", help="also time REV's graph layer against this one")
    parser.add_argument("--out", type=Path, default=OUT / "profile_split.json")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    say(f"wrote {args.out}")


if __name__ == "__main__":
    main()
