"""Peak memory of the recall-scope spreadsheet (GET /recall-scope.csv, .xlsx; api/exports.py) for a super-spreader
recall (seed/shapes.py: one milk-powder lot reaching 50 000 lots and 2 000 consignees), issue 15 item 3: the export
must stream row by row, not hold the whole sheet. Not a unit test: it loads the shape into the Neo4j at --port
(left there for the next run) and answers each export in a child process of its own.

    python -m bench.export_memory --port 7711                 # 50 000 lots, 2 000 consignees, csv and xlsx
    python -m bench.export_memory --port 7711 --lots 12000
    git show REV:api/exports.py > /tmp/old_exports.py
    python -m bench.export_memory --port 7711 --exports /tmp/old_exports.py   # the same with another version

Per format: the Python heap's peak while the response is built and its body drained (tracemalloc, from the rows in
memory: what the export itself adds), the body's size and row count, and the child's peak RSS (ru_maxrss, which
includes the recall scope and the rows). About a minute at 50 000 lots on a quiet machine, plus the first load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import StreamingResponse

from api import exports
from graph import lookup
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.recall_scope import recall_rows
from graph.schema import apply_schema
from graph.settings import Settings
from seed.shapes import super_spreader, super_spreader_root

PREFIX = "XMEM"


def _graph(port: int) -> Graph:
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_password="", query_timeout_s=600)
    return Graph(open_driver(settings), settings)


async def _load(port: int, lots: int, consignees: int) -> None:
    graph = _graph(port)
    try:
        await apply_schema(graph)
        root = super_spreader_root(f"{PREFIX}{lots}")
        if (await lookup.batches(graph, [root]))[0] is None:
            lines = [json.dumps(r) for r in super_spreader(lots, consignees, prefix=f"{PREFIX}{lots}")]
            report = await import_lines(graph, lines)
            assert report.ok, report.errors[:3]
            print(f"[bench] loaded: {report.created} created, {report.unchanged} unchanged", flush=True)
    finally:
        await graph.close()


async def _body_size(response: Any) -> tuple[int, int]:
    """The body's bytes and lines, drained as a server would send it."""
    if isinstance(response, StreamingResponse):
        size = lines = 0
        async for chunk in response.body_iterator:
            data = chunk if isinstance(chunk, bytes) else chunk.encode()
            size += len(data)
            lines += data.count(b"\n")
        return size, lines
    return len(response.body), response.body.count(b"\n")


def _exports_from(path: str | None) -> ModuleType:
    if path is None:
        return exports
    spec = importlib.util.spec_from_file_location("exports_compared", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


async def _child(port: int, lots: int, extension: str, exports_file: str | None) -> dict[str, Any]:
    writer = _exports_from(exports_file)
    graph = _graph(port)
    try:
        started = time.perf_counter()
        rows = await recall_rows(graph, [super_spreader_root(f"{PREFIX}{lots}")], 10)
        rows_s = time.perf_counter() - started
        rss_rows = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gc.collect()
        tracemalloc.start()
        started = time.perf_counter()
        zone = ZoneInfo(graph.settings.recall_timezone)
        response = await writer.spreadsheet(extension, writer.SCOPE_COLUMNS, rows, zone, "x", "召回范围 recall scope")
        size, lines = await _body_size(response)
        export_s = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "format": extension,
            "exports": exports_file or "api/exports.py",
            "rows": len(rows),
            "body_bytes": size,
            "body_lines": lines,
            "export_peak_heap_mb": round(peak / 2**20, 1),
            "rss_after_rows_mb": round(rss_rows, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rows_s": round(rows_s, 1),
            "export_s_traced": round(export_s, 1),
        }
    finally:
        await graph.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="bolt port of a Neo4j to load the shape into")
    parser.add_argument("--lots", type=int, default=50_000)
    parser.add_argument("--consignees", type=int, default=2_000)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--no-load", action="store_true", help="the shape is loaded already")
    parser.add_argument("--exports", help="another version's api/exports.py to measure instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child(args.port, args.lots, args.child, args.exports))))
        return
    if not args.no_load:
        asyncio.run(_load(args.port, args.lots, args.consignees))
    results = []
    for extension in args.formats:
        command = [sys.executable, "-m", "bench.export_memory", "--port", str(args.port), "--lots", str(args.lots)]
        if args.exports:
            command += ["--exports", args.exports]
        out = subprocess.run([*command, "--child", extension], capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)


if __name__ == "__main__":
    main()
