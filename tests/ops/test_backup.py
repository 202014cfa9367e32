"""Backup and restore through ops/neo4j_local.py, for real: a graph with derived state (credit events, ties,
signals) is dumped, its store deleted, and the dump loaded back; every node and relationship, with every property,
and the schema are as they were. The instance is a second one (port NEO4J_TEST_PORT + 10), stopped and
deleted afterwards: Community dumps and loads only a database that is offline, and the suite's own must stay up."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph import migrations
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.ingest import file_lines
from graph.settings import Settings
from tests.conftest import ROOT, _local_ops

ops = _local_ops()
PORT = int(os.environ.get("NEO4J_TEST_PORT", "7688")) + 10


@pytest.fixture
async def instance() -> AsyncIterator[Any]:
    try:
        ops.java_binary()
    except ops.OpsError as error:
        pytest.skip(f"backup needs the local Neo4j (Java): {error}")
    inst = ops.Instance("backup-test", PORT, heap="512m", pagecache="128m", tx_timeout="60s")
    await asyncio.to_thread(ops.wipe, inst)  # a former run's leftovers
    yield inst
    await asyncio.to_thread(ops.wipe, inst)
    shutil.rmtree(inst.home, ignore_errors=True)


async def snapshot(graph: Graph) -> dict[str, Any]:
    """Everything the graph holds: nodes by label and relationships by type, each with all its properties, and the
    names of its constraints and indexes."""
    nodes = await graph.read("testing/all_nodes")
    relationships = await graph.read("testing/all_relationships")
    return {
        "labels": Counter(label for n in nodes for label in n["labels"]),
        "types": Counter(r["type"] for r in relationships),
        "nodes": sorted((sorted(n["labels"]), sorted(n["props"].items())) for n in nodes),
        "relationships": sorted((r["type"], r["from"], r["to"], sorted(r["props"].items())) for r in relationships),
        "schema": sorted(r["name"] for r in await graph.read("testing/schema_objects")),
    }


async def test_a_backup_restores_every_node_relationship_and_derived_fact_into_a_wiped_instance(instance, tmp_path):
    await asyncio.to_thread(ops.start, instance, 180)
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{PORT}", credit_sweep_interval_s=0)
    graph = Graph(open_driver(settings), settings)
    try:
        await migrations.upgrade(graph)
        with (ROOT / "seed" / "demo.ndjson").open("rb") as demo:
            assert (await import_lines(graph, file_lines(demo))).ok
        before = await snapshot(graph)
        assert before["labels"]["CreditEvent"] > 0 and before["labels"]["SchemaMigration"] == 1  # derived state too
        assert before["types"] and len(before["nodes"]) > 300

        # Stopped first, so the test starts the server twice, not three times (backup would start it again).
        await asyncio.to_thread(ops.stop, instance)
        dump = tmp_path / "graph.dump"
        await asyncio.to_thread(ops.backup, instance, dump, 180)
        assert dump.stat().st_size > 0 and not dump.with_name("graph.dump.partial").exists()
        assert instance.running_pid() is None  # backup leaves a stopped instance stopped

        await asyncio.to_thread(ops.wipe, instance)  # the disaster: the store is gone
        await asyncio.to_thread(ops.restore, instance, dump, 180)
        await asyncio.to_thread(ops.start, instance, 180)
        assert await snapshot(graph) == before
    finally:
        await graph.close()


def test_restore_from_a_missing_file_is_refused_before_anything_stops(tmp_path):
    inst = ops.Instance("backup-missing", PORT, heap="256m", pagecache="64m", tx_timeout="5s")
    with pytest.raises(ops.OpsError, match="no backup file at"):
        ops.restore(inst, tmp_path / "nope.dump", 1)
    assert ops.main(["backup", "--instance", "backup-missing"]) == 2  # --to is required: one line, exit status 2
