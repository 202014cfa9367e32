"""Traversal forms (issue 15 item 1, round two): traceBack's and recallScope's statement in several forms, each
checked to give today's answer and timed against it, alternated in random order on the same starts in one run.

Forms (the statements are files: today's in cypher/, the others in bench/forms/):
- `today`: cypher/trace/trace_back.cypher and cypher/recall/recall_scope.cypher (breadth-first pruning var-length
  expand, one of seven literal bounds chosen by UNION ALL branches);
- `shortest`: the walk as a quantified path pattern under ANY SHORTEST (still literal bounds);
- `lists`: today's walk, each lot (and shipment, use) a list instead of a map (the leaner projection);
- `apoc`: APOC core's `apoc.path.spanningTree` (breadth-first, each lot once, maxLevel a parameter);
- `procedure`, `procedure_lists`: ops/procedures' `tracegraph.upstream` / `tracegraph.downstream` (a Java
  breadth-first walk, the depth a parameter), with maps or with lists.

Starts: bench.run's generated set (random trace roots with inputs, random 1-3-source recalls) and its stress shapes
(seed/shapes.py through bench/sweeps.py: deep co-mingling silo chains 50 tiers deep, traced from the bottom and
recalled from the top; super-spreader powder lots reaching 1 000 / 10 000 / 50 000 lots), at maxDepth 1, 3, 10, 50.
Every form's answer (every field of the Trace or RecallScope) must equal today's, and today's lots and depths the
in-memory floor's (bench/floor.py; with --postgres also PostgreSQL's recursive CTEs). Each timed call records the
graph-layer wall time (query and building the answer), the server's time (summary: available + consumed after),
the driver's share (the read's wall time minus the server's) and the build; PROFILE's db hits once per start (a
procedure's own reads are not counted by PROFILE: its db hits are those of the statement around it).

    python -m bench.traversal_forms --size S|M [--port 7722] [--starts 30] [--repeat 3] [--postgres --pg-port 5512]

The data is loaded into the Neo4j instance `bench` (started with the `tracegraph` and `apoc` plugins) only when it
does not hold it already (--reload forces it; --load initial uses ops/initial_load.py). Writes
bench/out/traversal_forms.json. At S about 5 minutes, at M 10-20 (most of it the 50 000-lot recalls), plus the load.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from neo4j import Query

from bench import postgres, sweeps
from bench.floor import Floor
from bench.run import (
    INSTANCE,
    OUT,
    ROOT,
    choose_starts,
    load_average,
    load_neo4j,
    machine,
    percentiles,
    prepare_data,
    read_records,
)
from graph.cypher import cypher
from graph.db import Graph, open_driver
from graph.errors import BadInput, NotFound
from graph.mass_balance import flows
from graph.nodes import BatchNode, ShipmentNode, TracedBatch
from graph.read_model import from_row
from graph.recall_scope import Carried, Consignee, Holding, RecallScope, scope_from
from graph.settings import Settings
from graph.trace import BatchEdge, Trace, batch_of, trace_from
from seed import shapes

FORMS_DIR = ROOT / "bench" / "forms"
PLUGINS = "tracegraph,apoc"
PROCEDURES = ("tracegraph.upstream", "tracegraph.downstream", "apoc.path.spanningTree")
DEPTHS = (1, 3, 10, 50)
SPREADER_DEPTHS = (1, 3, 50)
LIMIT = 2_000_000  # the settings' runaway guard (TRACE_MAX_LOTS, RECALL_MAX_LOTS)
PROFILED_STARTS = 10


def say(message: str) -> None:
    print(f"[forms] {message}", flush=True)


# --- building the answer from a form's records ---------------------------------------------------------------------


def batch_of_list(v: Sequence[Any]) -> BatchNode:
    return BatchNode(
        id=v[0], quantity=v[1], unit=v[2], produced_at=v[3], origin_country=v[4], product_id=v[5], producer_id=v[6]
    )


def trace_from_lists(records: Sequence[Mapping[str, Any]], batch_id: str, limit: int) -> Trace:
    """trace.trace_from for lots as lists [id, quantity, unit, producedAt, originCountry, productId, producerId,
    depth]."""
    if not records:
        raise NotFound("batch", batch_id, "batchId")
    r = records[0]
    if len(r["upstream"]) > limit or len(r["custody"]) > limit:
        raise BadInput("maxDepth", f"the trace of {batch_id!r} holds more than {limit} batches or shipments")
    upstream = [TracedBatch(batch=batch_of_list(u), depth=u[7]) for u in r["upstream"]]
    return Trace(batch_of(r["root"]), upstream, [from_row(ShipmentNode, s) for s in r["custody"]])


def scope_from_lists(lots: Sequence[Sequence[Any]], wanted: list[str], limit: int) -> RecallScope:
    """recall_scope.scope_from for lots as lists [batch fields..., depth, shipments, uses], each shipment [id,
    consignee, consignor, quantity, shippedAt, shippedAtMs, declaration], each use [output, producer, quantity]."""
    if len(lots) > limit:
        raise BadInput("maxDepth", f"the recall scope holds more than {limit} batches")
    affected = [TracedBatch(batch=batch_of_list(r), depth=r[7]) for r in lots]
    at_source = {t.batch.id: t.batch for t in affected if t.depth == 0}
    missing = [i for i in wanted if i not in at_source]
    if missing:
        raise NotFound("batch", missing[0], "batchIds")
    affected_ids = {t.batch.id for t in affected}
    by_consignee: dict[str, list[Holding]] = defaultdict(list)
    edges: list[BatchEdge] = []
    for r, traced in zip(lots, affected, strict=True):
        b = traced.batch
        shipments, uses = r[8], r[9]
        per_consignee: dict[str, list[Sequence[Any]]] = defaultdict(list)
        for s in shipments:
            per_consignee[s[1]].append(s)
        moved = ((s[2], s[1], s[3]) for s in shipments)
        by_party = flows(b.quantity, b.producer_id, moved, ((u[1], u[2]) for u in uses))
        for consignee, shipped in per_consignee.items():
            shipped.sort(key=lambda s: (s[5], s[0]))
            party = by_party[consignee]
            by_consignee[consignee].append(
                Holding(
                    batch=b,
                    quantity=party.total_received,
                    forwarded=party.total_shipped,
                    used=party.total_used,
                    depth=traced.depth,
                    shipments=len(shipped),
                    first_shipped_at=shipped[0][4],
                    last_shipped_at=shipped[-1][4],
                    carried=tuple(Carried(s[0], s[2], s[6], s[4]) for s in shipped),
                )
            )
        edges.extend(BatchEdge(b.id, u[0], u[2], b.unit) for u in uses if u[0] in affected_ids)
    consignees = [Consignee(c, sorted(h, key=lambda x: x.batch.id)) for c, h in sorted(by_consignee.items())]
    edges.sort(key=lambda e: (e.output, e.input))
    return RecallScope([at_source[i] for i in wanted], affected, consignees, edges)


@dataclass(frozen=True)
class Form:
    name: str
    trace_text: str
    recall_text: str
    lists: bool

    def build(self, query: str, records: list[neo4j.Record], start: Any) -> Trace | RecallScope:
        if query == "traceBack":
            return (trace_from_lists if self.lists else trace_from)(records, start, LIMIT)
        return (scope_from_lists if self.lists else scope_from)(records[0]["scope"], start, LIMIT)

    def text(self, query: str) -> str:
        return self.trace_text if query == "traceBack" else self.recall_text


def forms(names: Sequence[str]) -> list[Form]:
    def read(name: str) -> str:
        return (FORMS_DIR / f"{name}.cypher").read_text(encoding="utf-8").strip()

    out = []
    for name in names:
        if name == "today":
            out.append(Form(name, cypher("trace/trace_back"), cypher("recall/recall_scope"), False))
        else:
            out.append(Form(name, read(f"trace_back_{name}"), read(f"recall_scope_{name}"), name.endswith("lists")))
    return out


FORM_NAMES = ("today", "shortest", "lists", "apoc", "procedure", "procedure_lists")


# --- one call, measured --------------------------------------------------------------------------------------------


def params(query: str, start: Any, depth: int) -> dict[str, Any]:
    if query == "traceBack":
        return {"id": start, "maxDepth": depth, "limit": LIMIT + 1}
    return {"ids": list(dict.fromkeys(start)), "maxDepth": depth, "limit": LIMIT + 1}


async def measured(graph: Graph, form: Form, query: str, start: Any, depth: int) -> tuple[dict[str, float], Any]:
    """One graph-layer call of the form (the auto-commit read graph.read makes, then the build), split."""
    q = Query(form.text(query), timeout=graph.settings.query_timeout_s)  # type: ignore[arg-type]
    began = time.perf_counter()
    async with graph.driver.session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
        result = await s.run(q, params(query, start, depth))
        records = [record async for record in result]
        summary = await result.consume()
    read_ms = (time.perf_counter() - began) * 1000
    built = time.perf_counter()
    answer = form.build(query, records, start if query == "traceBack" else list(dict.fromkeys(start)))
    build_ms = (time.perf_counter() - built) * 1000
    server = float((summary.result_available_after or 0) + (summary.result_consumed_after or 0))
    split = {"wall_ms": read_ms + build_ms, "server_ms": server, "driver_ms": read_ms - server, "build_ms": build_ms}
    return split, answer


def plan_hits(plan: Mapping[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(plan_hits(c) for c in plan.get("children", []))


async def db_hits(graph: Graph, form: Form, query: str, start: Any, depth: int) -> int:
    q = Query("PROFILE " + form.text(query), timeout=graph.settings.query_timeout_s)  # type: ignore[arg-type]
    async with graph.driver.session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
        result = await s.run(q, params(query, start, depth))
        summary = await result.consume()
    return plan_hits(summary.profile or {})


def lots_and_depths(query: str, answer: Any) -> list[tuple[str, int]]:
    traced = answer.upstream if query == "traceBack" else answer.affected
    return [(t.batch.id, t.depth) for t in traced]


# --- the cases -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    query: str
    group: str  # "data", "deep", "spreader-<lots>"
    depth: int
    starts: list[Any]
    repeat: int


def cases(paths: list[Path], args: argparse.Namespace) -> list[Case]:
    picked = choose_starts(paths, args.starts, 0, args.seed)
    deep_leaf = shapes.deep_chain_leaf(sweeps.DEEP_CHAINS, sweeps.DEEP_TIERS, sweeps.DEEP_PREFIX)
    deep_tops = [[shapes.deep_chain_lot(c, 0, sweeps.DEEP_PREFIX)] for c in range(sweeps.DEEP_CHAINS)]
    out: list[Case] = []
    for depth in DEPTHS:
        out.append(Case("traceBack", "data", depth, picked["traceBack"], args.repeat))
        out.append(Case("recallScope", "data", depth, picked["recallScope"], args.repeat))
        out.append(Case("traceBack", "deep", depth, [deep_leaf], args.repeat * 5))
        out.append(Case("recallScope", "deep", depth, deep_tops, args.repeat))
    for lots, _ in sweeps.SPREADERS:
        root = [shapes.super_spreader_root(sweeps.spreader_prefix(lots))]
        for depth in SPREADER_DEPTHS:
            repeat = max(2, min(args.repeat * 5, 100_000 // lots)) if depth > 1 else args.repeat * 5
            out.append(Case("recallScope", f"spreader-{lots}", depth, [root], repeat))
    return out


async def run_case(
    graph: Graph,
    all_forms: list[Form],
    case: Case,
    floor: Floor,
    pg: postgres.Baseline | None,
    rng: random.Random,
) -> dict[str, Any]:
    """Check every form against today's and today's against the floor (and PostgreSQL), then time them."""
    disagree: dict[str, int] = defaultdict(int)
    sizes: list[float] = []
    for start in case.starts:
        answers = {f.name: (await measured(graph, f, case.query, start, case.depth))[1] for f in all_forms}
        today = answers["today"]
        sizes.append(float(len(lots_and_depths(case.query, today))))
        reference = (
            floor.trace_back(start, case.depth)
            if case.query == "traceBack"
            else floor.recall_scope(list(dict.fromkeys(start)), case.depth)[0]
        )
        if lots_and_depths(case.query, today) != reference:
            disagree["floor"] += 1
        if pg is not None:
            theirs = (
                pg.trace_back(start, case.depth)
                if case.query == "traceBack"
                else pg.recall_scope(list(dict.fromkeys(start)), case.depth)[0]
            )
            if lots_and_depths(case.query, today) != theirs:
                disagree["postgres"] += 1
        for name, answer in answers.items():
            if answer != today:
                disagree[name] += 1
    samples: dict[str, dict[str, list[float]]] = {f.name: defaultdict(list) for f in all_forms}
    for _ in range(case.repeat):
        for start in case.starts:
            order = list(all_forms)
            rng.shuffle(order)
            for form in order:
                split, _ = await measured(graph, form, case.query, start, case.depth)
                for key, value in split.items():
                    samples[form.name][key].append(value)
    for form in all_forms:
        for start in case.starts[:PROFILED_STARTS]:
            samples[form.name]["db_hits"].append(float(await db_hits(graph, form, case.query, start, case.depth)))
    return {
        "query": case.query,
        "group": case.group,
        "max_depth": case.depth,
        "starts": len(case.starts),
        "repeat": case.repeat,
        "answer_lots": percentiles(sizes),
        "disagreements": dict(disagree),
        "load_average": load_average(),
        "forms": {name: {k: percentiles(v) for k, v in parts.items()} for name, parts in samples.items()},
    }


def line(result: Mapping[str, Any]) -> str:
    base = result["forms"]["today"]["wall_ms"]["p50_ms"] or 1e-9
    cells = []
    for name, parts in result["forms"].items():
        wall, server = parts["wall_ms"], parts["server_ms"]
        cells.append(f"{name} {wall['p50_ms']}/{wall['p95_ms']} (srv {server['p50_ms']}, x{wall['p50_ms'] / base:.2f})")
    lots = result["answer_lots"]["p50_ms"]
    head = f"{result['query']} {result['group']} d{result['max_depth']} (lots p50 {lots})"
    return f"{head}: " + "; ".join(cells) + f"; disagree {result['disagreements'] or 0}; load {result['load_average']}"


# --- the instance and the run --------------------------------------------------------------------------------------


async def has_procedures(graph: Graph) -> bool:
    async with graph.driver.session(database=graph.database) as s:
        result = await s.run("SHOW PROCEDURES YIELD name WHERE name IN $names RETURN count(*) AS n", names=PROCEDURES)
        record = await result.single()
    return record is not None and record["n"] == len(PROCEDURES)


async def batch_count(graph: Graph) -> int:
    return (await graph.read("ops/count_batches"))[0]["batches"]


def ops(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "ops" / "neo4j_local.py"), *args], check=True)


async def ready_graph(args: argparse.Namespace, paths: list[Path], settings: Settings) -> Graph:
    """The instance `bench` with the plugins, holding `paths` (loaded when it does not)."""
    os.environ["NEO4J_PLUGINS"] = PLUGINS  # bench.run's starts of the instance inherit it
    memory = ["--heap", args.heap, "--pagecache", args.pagecache, "--tx-timeout", "600s"]
    ops("start", "--instance", INSTANCE, "--port", str(args.port), *memory)
    graph = Graph(open_driver(settings), settings)
    if not await has_procedures(graph):  # running since before, without the plugins
        await graph.close()
        ops("stop", "--instance", INSTANCE)
        ops("start", "--instance", INSTANCE, "--port", str(args.port), *memory)
        graph = Graph(open_driver(settings), settings)
    expected = sum(1 for r in read_records(paths) if r["type"] == "batch")
    if args.reload or await batch_count(graph) != expected:
        await graph.close()
        say(f"loading size {args.size} and the shapes into instance '{INSTANCE}' ({args.load})")
        args.reuse_graph = False
        graph, ingest = await load_neo4j(args, paths, settings)
        say(f"loaded: {ingest}")
    if not await has_procedures(graph):
        raise SystemExit(f"instance '{INSTANCE}' lacks {PROCEDURES}: see var/{INSTANCE}/logs/neo4j.log")
    return graph


async def run(args: argparse.Namespace) -> dict[str, Any]:
    began = time.perf_counter()
    args.regenerate, args.shapes = False, True
    paths, _ = prepare_data(args)
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0, query_timeout_s=300
    )
    graph = await ready_graph(args, paths, settings)
    floor = Floor(read_records(paths), [])
    all_forms = forms(args.forms)
    rng = random.Random(args.seed)
    todo = [c for c in cases(paths, args) if not args.only or c.group in args.only]
    result: dict[str, Any] = {
        "size": args.size,
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_at_start": load_average(),
        "forms": [f.name for f in all_forms],
        "cases": [],
    }
    for case in todo[:2]:  # warm the page cache and every form's plan
        for form in all_forms:
            for start in case.starts[:3]:
                await measured(graph, form, case.query, start, case.depth)

    async def each(pg: postgres.Baseline | None) -> None:
        for case in todo:
            result["cases"].append(await run_case(graph, all_forms, case, floor, pg, rng))
            say(line(result["cases"][-1]))
            args.out.write_text(json.dumps(result, indent=2) + "\n")

    if args.postgres:
        with postgres.server(args.pg_port) as dsn:
            postgres.load(dsn, read_records(paths))
            pg = postgres.Baseline(dsn)
            try:
                await each(pg)
            finally:
                pg.close()
    else:
        await each(None)
    await graph.close()
    result["load_average_at_end"] = load_average()
    result["run_seconds"] = round(time.perf_counter() - began, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=30, help="random starts of the generated set per case")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds over a case's starts")
    parser.add_argument("--port", type=int, default=7722, help="the bench Neo4j instance's Bolt port")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--load", choices=["import", "initial"], default="import")
    parser.add_argument("--reload", action="store_true", help="wipe the instance and load the data again")
    parser.add_argument("--forms", nargs="+", default=list(FORM_NAMES), choices=FORM_NAMES)
    parser.add_argument("--only", nargs="*", help="case groups to run: data, deep, spreader-1000, ...")
    parser.add_argument("--postgres", action="store_true", help="also check lots and depths against PostgreSQL")
    parser.add_argument("--pg-port", type=int, default=5512)
    parser.add_argument("--out", type=Path, default=OUT / "traversal_forms.json")
    args = parser.parse_args()
    if "today" not in args.forms:
        args.forms.insert(0, "today")
    result = asyncio.run(run(args))
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    say(f"wrote {args.out} ({result['run_seconds']} s)")


if __name__ == "__main__":
    main()
