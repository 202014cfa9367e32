"""The initial load: a records file into an EMPTY database through `neo4j-admin database import full`, for a first
load too large for the normal import's transactions (1 000 000 lots and more).

    python ops/initial_load.py FILE [--instance dev --port 7687]      (or: tracegraph load-initial FILE ...)

1. the same validation as `tracegraph import` (graph/ingest/pipeline.validate: every line, references, cycles),
   into the import's on-disk index; any error: nothing is written, the errors are reported as an import's are;
2. the index as CSV files (graph/ingest/bulk.py): the nodes and relationships an import would create;
3. the instance stopped, `neo4j-admin database import full --overwrite-destination` of those files, the instance
   started again (Community has no online bulk import: the database is unavailable meanwhile);
4. the schema (constraints, indexes, migrations: graph/migrations.upgrade, as the server's start-up), the empty
   lists CSV cannot carry, then the derived state by the import's own steps (graph/imports.derive): contagion ties,
   credit grades, LAB_FAILURE signals.

It refuses a database that holds any data (a node other than the schema's bookkeeping): the import tool replaces the
whole store. A fault in steps 1-3 leaves the database empty (run it again); a fault in step 4 leaves the loaded
graph with its derived work recorded: `tracegraph import FILE` of the same file then completes it (every record
unchanged, the pending tie work refreshed, grades and signals evaluated). Nothing else may write to the instance
while it runs (stop the service first).

Needs the app's packages (run it with the project's venv) and the Neo4j jars ops/neo4j_local.py resolves.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the app's packages are beside ops/
    sys.path.insert(0, str(ROOT))

from graph import migrations  # noqa: E402
from graph.clock import now_ms  # noqa: E402
from graph.db import Graph, open_driver  # noqa: E402
from graph.imports import derive  # noqa: E402
from graph.ingest import bulk, pipeline  # noqa: E402
from graph.ingest.index import ImportIndex  # noqa: E402
from graph.ingest.report import Counts, ImportReport  # noqa: E402
from graph.ingest.source import file_lines  # noqa: E402
from graph.ingest.write import SYSTEM_SUPPLIER  # noqa: E402
from graph.settings import Settings, get_settings  # noqa: E402


def _neo4j_local() -> Any:
    spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "ops" / "neo4j_local.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


ops = _neo4j_local()
EMPTY_LIST_CHUNK = 10_000


class Refused(Exception):
    """The database is not empty, or the instance cannot be loaded: nothing was changed."""


@dataclass
class InitialLoad:
    report: ImportReport  # errors (nothing written) or, per type, what was created
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: validate, csv, admin_import, ...
    nodes: int = 0
    relationships: int = 0

    @property
    def records(self) -> int:
        return self.report.created

    def as_json(self, file: str) -> dict[str, Any]:
        return {
            **self.report.as_json(file),
            "seconds": self.seconds,
            "nodes": self.nodes,
            "relationships": self.relationships,
        }


def _graph(settings: Settings, port: int) -> Graph:
    settings = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{port}"})
    return Graph(open_driver(settings), settings)


async def refuse_unless_empty(graph: Graph) -> None:
    rows = await graph.read("ingest/graph_in_use")
    if rows:
        labels = ":".join(rows[0]["labels"]) or "(no label)"
        raise Refused(
            f"the database holds data ({rows[0]['nodes']} nodes, e.g. a :{labels} node): the initial load replaces "
            f"the whole store, so it loads only an empty database; import into this one with `tracegraph import`"
        )


async def load_initial(
    file: Path,
    instance: Any,
    *,
    settings: Settings | None = None,
    encoding: str = "utf-8",
    supplied_by: str = SYSTEM_SUPPLIER,
    admin_heap: str = "2g",
    wait_seconds: float = 600,
    workdir: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> InitialLoad:
    """Load `file` into the empty database of `instance` (an ops/neo4j_local.py Instance, started if it is not
    running, running again afterwards). Raises Refused when the database holds data; a file with errors
    writes nothing and its errors are in the returned report."""
    settings = settings or get_settings()
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 2)
        clock = now
        say(f"{stage}: {seconds[stage]} s")

    ops.start(instance, wait_seconds)
    graph = _graph(settings, instance.port)
    with ImportIndex() as index, tempfile.TemporaryDirectory(prefix="initial-load-", dir=workdir) as tmp:
        try:
            await refuse_unless_empty(graph)
            await migrations.upgrade(graph)  # the lookups of validation seek by the constraints' indexes
            with file.open("rb") as stream:
                report = await pipeline.validate(graph, file_lines(stream, encoding), index)
        finally:
            await graph.close()
        lap("validate")
        if report.error_count:
            return InitialLoad(report, seconds)
        files = bulk.write_csv(index, Path(tmp), supplied_by, now_ms())
        lap("csv")
        ops.stop(instance)
        lap("stop")
        ops.admin(
            instance,
            "database",
            "import",
            "full",
            *files.admin_args(),
            "--overwrite-destination=true",
            f"--report-file={Path(tmp) / 'import.report'}",
            ops.DATABASE,
            heap=admin_heap,
        )
        lap("admin_import")
        ops.start(instance, wait_seconds)
        lap("start")
        graph = _graph(settings, instance.port)
        try:
            await migrations.upgrade(graph)
            lap("schema")
            for (label, key), ids in files.empty_lists.items():
                for start in range(0, len(ids), EMPTY_LIST_CHUNK):
                    chunk = ids[start : start + EMPTY_LIST_CHUNK]
                    await graph.write("ingest/set_empty_lists", label=label, key=key, ids=chunk)
            await derive(graph, index.listed_enterprises(), index.failed_reports())
            lap("derived")
        finally:
            await graph.close()
    for rtype, n in files.records.items():
        report.by_type[rtype] = Counts(created=n)
    return InitialLoad(report, seconds, files.node_count, files.relationship_count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="NDJSON records (contract/RECORDS.md)")
    parser.add_argument("--instance", default=os.environ.get("NEO4J_INSTANCE", "dev"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("NEO4J_BOLT_PORT", "7687")))
    parser.add_argument("--heap", default=os.environ.get("NEO4J_HEAP", "1g"), help="the server's, when started")
    parser.add_argument("--pagecache", default=os.environ.get("NEO4J_PAGECACHE", "1g"))
    parser.add_argument("--tx-timeout", default=os.environ.get("NEO4J_TX_TIMEOUT", "60s"))
    parser.add_argument("--admin-heap", default="2g", help="the import tool's heap")
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    args = parser.parse_args(argv)
    return run(
        args.file,
        args.instance,
        args.port,
        args.heap,
        args.pagecache,
        args.tx_timeout,
        args.admin_heap,
        args.encoding,
        args.json,
    )


def run(
    file: Path,
    instance_name: str,
    port: int,
    heap: str = "1g",
    pagecache: str = "1g",
    tx_timeout: str = "60s",
    admin_heap: str = "2g",
    encoding: str = "utf-8",
    as_json: bool = False,
) -> int:
    """The command: 0 loaded, 1 the file has errors (nothing written), 2 refused or failed."""
    if not file.is_file():
        print(f"[initial-load] error: no file at {file}", file=sys.stderr)
        return 2
    inst = ops.Instance(instance_name, port, heap, pagecache, tx_timeout)
    if inst.port_file.exists() and inst.running_pid() is not None:
        inst.port = int(inst.port_file.read_text().strip())

    def say(message: str) -> None:
        print(f"[initial-load] {message}", file=sys.stderr)

    try:
        outcome = asyncio.run(load_initial(file, inst, encoding=encoding, admin_heap=admin_heap, say=say))
    except (Refused, ops.OpsError, bulk.NotLoadable) as error:
        print(f"[initial-load] error: {error}", file=sys.stderr)
        return 2
    result = outcome.as_json(str(file))
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    elif not outcome.report.ok:
        for e in result["errors"]:
            where = f"{file}:{e['line']}" + (f": {e['field']}" if e["field"] else "")
            print(f"{where}: {e['message']}", file=sys.stderr)
        print(f"{result['errorCount']} error(s); nothing was written.", file=sys.stderr)
    else:
        total = sum(outcome.seconds.values())
        print(
            f"loaded {file}: {outcome.records} records ({outcome.nodes} nodes, {outcome.relationships} "
            f"relationships) in {total:.1f} s ({outcome.records / total:,.0f} records/s); "
            + ", ".join(f"{k} {v} s" for k, v in outcome.seconds.items())
        )
    return 0 if outcome.report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
