"""The initial load (ops/initial_load.py: validated records as CSV, neo4j-admin's bulk import, then the schema and
the derived state) gives the graph a normal import gives: the same nodes and relationships with every property,
the same ties, grades, credit events and LAB_FAILURE signals. It runs on a second local instance (the tool needs
the database offline; the suite's own must stay up), stopped and deleted afterwards."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.settings import Settings
from tests.conftest import ROOT, _local_ops, free_port

ops = _local_ops()
_spec = importlib.util.spec_from_file_location("initial_load", ROOT / "ops" / "initial_load.py")
initial_load = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["initial_load"] = initial_load  # before it runs: its dataclasses look their module up
_spec.loader.exec_module(initial_load)  # type: ignore[union-attr]

# Beyond the demo: a signal whose text needs CSV quoting (a line break, quotes, a comma, the array delimiter's
# neighbours), an enterprise with no roles (an empty list, which CSV cannot say), a float and an int quantity.
EXTRA = [
    {"type": "enterprise", "id": "E-NO-ROLES", "name": 'Quote "Co", Ltd', "roles": []},
    {
        "type": "risk_signal",
        "id": "RS-1",
        "source": "OVERSEAS_NOTIFICATION",
        "hazard": "BIOLOGICAL",
        "severity": 4,
        "probability": 0.25,
        "receivedAt": "2026-03-01T08:00:00Z",
        "description": 'line one\nline "two", with a comma;\r\nand 中文',
        "subject": {"enterprise": "E-NO-ROLES"},
    },
]


def records() -> list[str]:
    demo = (ROOT / "seed" / "demo.ndjson").read_text(encoding="utf-8").splitlines()
    return [line for line in demo if line.strip()] + [json.dumps(r, ensure_ascii=False) for r in EXTRA]


@pytest.fixture
async def instance() -> AsyncIterator[Any]:
    try:
        ops.java_binary()
    except ops.OpsError as error:
        pytest.skip(f"the initial load needs the local Neo4j (Java): {error}")
    inst = ops.Instance("initial-load-test", free_port(), heap="512m", pagecache="128m", tx_timeout="60s")
    await asyncio.to_thread(ops.wipe, inst)  # a former run's leftovers
    yield inst
    await asyncio.to_thread(ops.wipe, inst)
    shutil.rmtree(inst.home, ignore_errors=True)


def _clocked(value: Any, since: int, until: int) -> Any:
    """A value the clock of the run chose (when a grade was checked, a lab status without its date began) is the
    same fact in both graphs whatever the millisecond."""
    if isinstance(value, int) and not isinstance(value, bool) and since <= value <= until:
        return "<clock>"
    if isinstance(value, list):
        return [_clocked(v, since, until) for v in value]
    return value


async def snapshot(graph: Graph, since: int, until: int) -> dict[str, Any]:
    nodes = [n for n in await graph.read("testing/all_nodes") if not {"SchemaMigration", "Lease"} & set(n["labels"])]
    relationships = await graph.read("testing/all_relationships")

    def props(p: dict[str, Any]) -> list[tuple[str, Any]]:
        return sorted((k, repr(_clocked(v, since, until))) for k, v in p.items())  # repr: 1 and 1.0 differ

    return {
        "labels": Counter(label for n in nodes for label in n["labels"]),
        "types": Counter(r["type"] for r in relationships),
        "nodes": sorted((sorted(n["labels"]), props(n["props"])) for n in nodes),
        "relationships": sorted((r["type"], r["from"], r["to"], props(r["props"])) for r in relationships),
        "schema": sorted(r["name"] for r in await graph.read("testing/schema_objects")),
    }


async def test_an_initial_load_gives_the_graph_a_normal_import_gives(db, instance, tmp_path):
    file = tmp_path / "records.ndjson"
    file.write_text("\n".join(records()) + "\n", encoding="utf-8")
    since = int(time.time() * 1000)
    assert (await import_lines(db, records())).ok
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{instance.port}", credit_sweep_interval_s=0, query_timeout_s=120)
    outcome = await initial_load.load_initial(file, instance, settings=settings)
    until = int(time.time() * 1000)
    assert outcome.report.ok and outcome.records == len(records())
    assert set(outcome.seconds) >= {"validate", "csv", "admin_import", "schema", "derived"}

    loaded = Graph(open_driver(settings), settings)
    try:
        expected, got = await snapshot(db, since, until), await snapshot(loaded, since, until)
        # The derived state is there, not only the records: ties, grades moved by listings, lab failure signals.
        assert expected["types"]["TIED_TO"] > 0 and expected["labels"]["CreditEvent"] > 0
        assert sum(1 for _, p in expected["nodes"] if ("source", "'LAB_FAILURE'") in p) == 5
        assert got["labels"] == expected["labels"]
        assert got["types"] == expected["types"]
        assert got["nodes"] == expected["nodes"]
        assert got["relationships"] == expected["relationships"]
        assert got["schema"] == expected["schema"]

        # A re-import of the same file into the loaded graph changes nothing: it is the graph an import made.
        again = await import_lines(loaded, records())
        assert again.ok and again.created == 0 and again.updated == 0
        assert await snapshot(loaded, since, int(time.time() * 1000)) == got

        # A database that holds data is refused, and left as it was.
        with pytest.raises(initial_load.Refused, match="holds data"):
            await initial_load.load_initial(file, instance, settings=settings)
        assert (await snapshot(loaded, since, int(time.time() * 1000)))["labels"] == expected["labels"]
    finally:
        await loaded.close()


async def test_an_initial_load_of_a_file_with_errors_writes_nothing(instance, tmp_path):
    file = tmp_path / "records.ndjson"
    lines = records()
    at = next(n for n, line in enumerate(lines) if json.loads(line)["type"] == "batch")
    lines[at] = json.dumps({**json.loads(lines[at]), "product": "P-NOWHERE", "producer": "E-NOWHERE"})
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{instance.port}", credit_sweep_interval_s=0, query_timeout_s=120)
    outcome = await initial_load.load_initial(file, instance, settings=settings)
    assert not outcome.report.ok
    assert {(e.line, e.field) for e in outcome.report.errors} >= {(at + 1, "product"), (at + 1, "producer")}
    assert "admin_import" not in outcome.seconds
    graph = Graph(open_driver(settings), settings)
    try:
        assert await graph.read("ingest/graph_in_use") == []  # only the schema's bookkeeping: no record
    finally:
        await graph.close()


def test_the_command_refuses_a_missing_file(tmp_path: Path, capsys):
    assert initial_load.run(tmp_path / "nowhere.ndjson", "initial-load-test", free_port()) == 2
    assert "no file at" in capsys.readouterr().err
