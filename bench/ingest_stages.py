"""Where a normal import's time goes, stage by stage (issue 15, item 4): one import of FILE into the Neo4j server on
PORT (empty, its schema applied as `tracegraph import` does), run in this process with every stage and statement
timed. Run by `python -m bench.ingest_rate --stages` (bench/ingest_rate.py), which starts a fresh instance for each
run and may alternate two checkouts' code; this file is started by path, so that the code it times is whichever
checkout PYTHONPATH names (it imports nothing of bench/).

    python bench/ingest_stages.py FILE --port 7721 [--profile]     # prints one JSON object on its last line
    python bench/ingest_stages.py FILE --parse-only [--profile]    # the validation alone (no server): CPU time

What it reports:
- stages: wall and client CPU (this process, every thread: time.process_time) of each stage function of the
  pipeline and of the derived steps, in the order they ran (depth 1 is nested in the stage before at depth 0);
- parts: time summed over many calls inside a stage (pydantic validation, upsert rows and hashes, the index's
  flush, reading write chunks back from the index); what worker processes do (graph/ingest/parse.py, past
  PARALLEL_FROM_LINE) is not in them, only in the parse stage's wall time;
- statements: per named Cypher statement, calls, rows sent, wall time and the server's own time (the result
  summary's available-after + consumed-after), so wall - server is the client's and the round trip's share;
- with --profile, cProfile's top functions of the whole import (worker threads run inline so that they are seen;
  profiling slows Python about 2x, so walls are then not comparable).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

Stage = dict[str, Any]


class Timings:
    def __init__(self) -> None:
        self.stages: list[Stage] = []
        self.depth = 0
        self.parts: dict[str, dict[str, float]] = defaultdict(lambda: {"calls": 0, "wall_s": 0.0})
        self.statements: dict[str, dict[str, float]] = defaultdict(
            lambda: {"calls": 0, "rows": 0, "wall_s": 0.0, "server_s": 0.0}
        )

    def stage_async(self, module: Any, attr: str, label: Any) -> None:
        fn = getattr(module, attr, None)
        if fn is None:
            return

        async def timed(*args: Any, **kwargs: Any) -> Any:
            entry: Stage = {"stage": label(args, kwargs), "depth": self.depth}
            self.stages.append(entry)
            wall, cpu = time.perf_counter(), time.process_time()
            self.depth += 1
            try:
                return await fn(*args, **kwargs)
            finally:
                self.depth -= 1
                entry["wall_s"] = round(time.perf_counter() - wall, 3)
                entry["cpu_s"] = round(time.process_time() - cpu, 3)

        setattr(module, attr, timed)

    def stage_sync(self, module: Any, attr: str, label: str) -> None:
        fn = getattr(module, attr, None)
        if fn is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            entry: Stage = {"stage": label, "depth": self.depth}
            self.stages.append(entry)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                entry["wall_s"] = round(time.perf_counter() - wall, 3)
                entry["cpu_s"] = round(time.process_time() - cpu, 3)

        setattr(module, attr, timed)

    def part(self, owner: Any, attr: str, label: str) -> None:
        """Sum the wall time of every call of owner.attr (a plain function or method)."""
        fn = getattr(owner, attr, None)
        if fn is None:
            return
        acc = self.parts[label]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc["calls"] += 1
                acc["wall_s"] += time.perf_counter() - started

        try:
            setattr(owner, attr, timed)
        except (AttributeError, TypeError):  # an object that takes no attributes: not timed
            del self.parts[label]

    def statement(self, name: str, params: Any, started: float, summary: Any) -> None:
        entry = self.statements[name]
        entry["calls"] += 1
        entry["rows"] += max((len(v) for v in dict(params).values() if isinstance(v, list)), default=0)
        entry["wall_s"] += time.perf_counter() - started
        if summary is not None:
            entry["server_s"] += ((summary.result_available_after or 0) + (summary.result_consumed_after or 0)) / 1000


def instrument(t: Timings) -> None:
    import neo4j
    from neo4j import Query, RoutingControl

    from graph import contagion, credit, imports
    from graph import db as gdb
    from graph.cypher import cypher
    from graph.ingest import check, index, parse, pipeline, rows, write
    from graph.risk import signals

    # Statements: wall and server time of every read, write and transaction statement.
    async def read(self: Any, name: str, **params: Any) -> list[Any]:
        started = time.perf_counter()
        query = Query(cypher(name), timeout=self.settings.query_timeout_s)  # type: ignore[arg-type]
        async with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
            result = await s.run(query, params)
            records = [r async for r in result]
            summary = await result.consume()
        t.statement(name, params, started, summary)
        return records

    async def run(self: Any, name: str, params: Any, routing: RoutingControl, timeout_s: float) -> list[Any]:
        started = time.perf_counter()
        records, summary, _ = await self.driver.execute_query(
            Query(cypher(name), timeout=timeout_s),  # type: ignore[arg-type]
            parameters_=dict(params),
            routing_=routing,
            database_=self.database,
        )
        t.statement(name, params, started, summary)
        return records

    async def tx_run(self: Any, name: str, **params: Any) -> list[Any]:
        started = time.perf_counter()
        result = await self._tx.run(cypher(name), params)
        records = [r async for r in result]
        t.statement(name, params, started, await result.consume())
        return records

    gdb.Graph.read = read  # type: ignore[method-assign]
    gdb.Graph._run = run  # type: ignore[method-assign]
    gdb.Tx.run = tx_run  # type: ignore[method-assign]

    # Stages of the pipeline (graph/ingest/pipeline.py) and of the derived steps (graph/imports.py).
    t.stage_async(parse, "parse_lines", lambda a, k: "parse: validate lines into the index")
    t.stage_sync(check, "check_duplicates", "check: duplicates")
    t.stage_async(check, "look_up_outside", lambda a, k: "check: references outside the import (graph reads)")
    t.stage_sync(check, "check_references", "check: dangling references")
    t.stage_async(check, "check_cycles", lambda a, k: "check: INPUT_TO cycles")
    t.stage_async(pipeline, "preview", lambda a, k: "preview (dry run)")
    t.stage_async(write, "write", lambda a, k: "write: every record")
    t.stage_async(write, "write_chunks", lambda a, k: f"write: {a[1] if len(a) > 1 else k.get('name')}")
    t.stage_async(imports, "derive", lambda a, k: "derived state")
    t.stage_async(contagion, "refresh_pending_ties", lambda a, k: "derived: contagion ties")
    t.stage_async(credit, "sweep", lambda a, k: "derived: credit grades")
    t.stage_async(signals, "raise_lab_failures", lambda a, k: "derived: LAB_FAILURE signals")
    t.stage_async(signals, "link_incidents", lambda a, k: "derived: incidents linked")

    # Parts summed over many calls.
    t.part(parse._RECORD, "validate_json", "parse: pydantic validate_json")  # a TypeAdapter instance
    t.part(index, "upsert_row", "parse: upsert rows (props, content hash)")
    t.part(index, "relation_row", "parse: batch relation rows")
    t.part(rows, "content_hash", "parse: content hashes (in upsert rows)")
    t.part(index, "content_hash", "parse: content hashes of links")
    t.part(index.ImportIndex, "flush", "parse: index flush (entries and their storing; in this process only)")
    t.part(index, "entries", "parse: index entries (rows, hashes, pickle; in this process only)")
    t.part(index.ImportIndex, "store", "parse: index store (SQLite inserts)")
    if hasattr(write, "chunks"):
        original_chunks = write.chunks
        acc = t.parts["write: chunks read back from the index (unpickle)"]

        async def timed_chunks(rows_: Any, size: int) -> Any:
            source = original_chunks(rows_, size)
            while True:
                started = time.perf_counter()
                chunk = await anext(source, None)
                acc["calls"] += 1
                acc["wall_s"] += time.perf_counter() - started
                if chunk is None:
                    return
                yield chunk

        write.chunks = timed_chunks


async def run_import(file: Path, port: int) -> dict[str, Any]:
    from graph.db import Graph, open_driver
    from graph.imports import import_lines
    from graph.ingest import file_lines
    from graph.schema import apply_schema
    from graph.settings import Settings

    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", query_timeout_s=600, write_timeout_s=600)
    graph = Graph(open_driver(settings), settings)
    try:
        await apply_schema(graph)
        with file.open("rb") as stream:
            started, cpu = time.perf_counter(), time.process_time()
            report = await import_lines(graph, file_lines(stream))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await graph.close()
    if not report.ok:
        raise SystemExit(f"import of {file} failed: {report.errors[:5]}")
    counts = {rtype: c.created + c.updated + c.unchanged for rtype, c in report.by_type.items()}
    return {"records": sum(counts.values()), "by_type": counts, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


async def run_parse_only(file: Path) -> dict[str, Any]:
    """The client's validation alone, without a server: parse into the index, duplicates, dangling references (a
    self-contained file has none) and the cycle check on the import's own edges. CPU time is the measure here."""
    from graph.ingest import check, file_lines, parse
    from graph.ingest.index import ImportIndex
    from graph.ingest.report import Errors

    started, cpu = time.perf_counter(), time.process_time()
    errors = Errors()
    with ImportIndex() as index, file.open("rb") as stream:
        await parse.parse_lines(file_lines(stream), index, errors)
        await asyncio.to_thread(check.check_duplicates, index, errors)
        await asyncio.to_thread(check.check_references, index, errors)
        cycle = await asyncio.to_thread(index.find_cycle)
        records = index.count()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if errors.count or cycle:
        raise SystemExit(f"{file}: {errors.count} errors, cycle {cycle}")
    return {"records": records, "by_type": {}, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--parse-only", action="store_true", help="the validation alone, no server")
    args = parser.parse_args(argv)
    # Started by path, Python put bench/ first on sys.path: its modules (load, run, ...) must not shadow others.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != here]
    os.environ.setdefault("CREDIT_SWEEP_INTERVAL_S", "0")
    t = Timings()
    instrument(t)
    profiler = None
    if args.profile:

        async def inline(fn: Any, /, *a: Any, **k: Any) -> Any:  # worker threads inline: cProfile sees one thread
            return fn(*a, **k)

        asyncio.to_thread = inline  # type: ignore[assignment]
        profiler = cProfile.Profile()
        profiler.enable()
    result = asyncio.run(run_parse_only(args.file) if args.parse_only else run_import(args.file, args.port))
    if profiler is not None:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(45)
        result["profile_tottime"] = out.getvalue().splitlines()
    result["stages"] = t.stages
    result["parts"] = {k: {"calls": v["calls"], "wall_s": round(v["wall_s"], 3)} for k, v in t.parts.items()}
    result["statements"] = {
        k: {key: round(v[key], 3) if key.endswith("_s") else v[key] for key in ("calls", "rows", "wall_s", "server_s")}
        for k, v in sorted(t.statements.items(), key=lambda kv: -kv[1]["wall_s"])
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
