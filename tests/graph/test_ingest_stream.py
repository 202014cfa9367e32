"""The import streams (issue 11, item 17): its lines are read once, into an on-disk index, and written from it in
chunks, so memory does not grow with the file; every guarantee of a whole import holds across chunk boundaries.
And a posted body is spooled to disk as it comes, gunzipped in bounded steps."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest

from graph.db import Graph
from graph.imports import import_lines
from graph.ingest import Counts, file_lines, parse
from graph.ingest.source import Spool
from tests.conftest import BASE, batch, enterprise, load, ndjson, shipment
from tests.graph.test_ingest import ALL_TYPES, ALL_TYPES_COUNTS, link, nodes, relationships


@pytest.fixture
def small_chunks(monkeypatch):
    """Three lines per parse chunk, so that every test here crosses chunk boundaries."""
    monkeypatch.setattr(parse, "PROGRESS_EVERY", 3)


async def node_count(db: Graph) -> int:
    return (await db.read("testing/count_nodes"))[0]["nodes"]


def counted(lines: list[str], reads: list[int]) -> Iterator[str]:
    for line in lines:
        reads[0] += 1
        yield line


async def test_a_one_shot_source_is_read_once_and_imports_whole(db, small_chunks):
    reads = [0]
    report = await import_lines(db, counted(ndjson(*ALL_TYPES), reads))
    assert report.ok, report.errors
    assert reads == [len(ALL_TYPES)]
    assert report.by_type == {t: Counts(created=n) for t, n in ALL_TYPES_COUNTS.items()}
    again = await import_lines(db, counted(ndjson(*ALL_TYPES), reads))
    assert again.by_type == {t: Counts(unchanged=n) for t, n in ALL_TYPES_COUNTS.items()}


async def test_a_repeat_in_a_later_chunk_is_one_record_or_an_error_naming_both_lines(db, small_chunks):
    await load(db, *BASE, enterprise("E2"))
    same = [batch("B1"), enterprise("E3"), shipment("S1", "B1", "E2"), batch("B1"), shipment("S1", "B1", "E2")]
    report = await import_lines(db, ndjson(*same))
    assert report.ok, report.errors
    assert report.by_type == {t: Counts(created=1) for t in ("batch", "enterprise", "shipment")}
    changed = [batch("B2"), enterprise("E4"), link("OFFICER", "E4", "E2"), batch("B2", quantity=5)]
    report = await import_lines(db, ndjson(*changed, link("SHAREHOLDER", "E4", "E2", 0.5)))
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "person 'E4' is not in this import nor in the graph (OFFICER links start at a person)"),
        (4, "batch 'B2' is also on line 1 with different content; state each record once per import"),
    ]
    assert await db.read("testing/node", id="B2") == []


async def test_a_refused_record_counts_the_lines_of_every_chunk_that_refer_to_it(db, small_chunks):
    await load(db, *BASE)
    lines = [enterprise("E1", country="XX")] + [shipment(f"S{i}", "B1", "E1") for i in range(8)] + [batch("B1")]
    report = await import_lines(db, ndjson(*lines))
    assert [(e.line, e.field) for e in report.errors] == [(1, "country")]
    assert report.errors[0].message.endswith("(8 other line(s) refer to it: 2, 3, 4, 5, 6, ...)")
    assert await node_count(db) == 2


async def test_a_cycle_closed_many_levels_up_the_graph_is_found(db):
    """The graph's INPUT_TO edges are walked a level and a chunk (50 batches) at a time: a cycle 120 levels up."""
    chain = [batch("C0")] + [batch(f"C{i}", [(f"C{i - 1}", 1)]) for i in range(1, 121)]
    wide = [batch(f"W{i}", [("C60", 1)]) for i in range(120)]  # a level wider than a chunk
    await load(db, *BASE, *chain, *wide)
    report = await import_lines(db, ndjson(enterprise("NEW"), batch("C0", [("C120", 1)])))
    assert [(e.line, e.field) for e in report.errors] == [(2, "inputs")]
    cycle = " -> ".join(["C0", *(f"C{i}" for i in range(1, 121)), "C0"])
    assert report.errors[0].message == (
        f"a batch may not be its own ancestor: INPUT_TO cycle {cycle} (each an input of the next)"
    )
    assert await db.read("testing/node", id="NEW") == []
    # restating the chain's head without inputs, and a wide level below the middle, is no cycle
    report = await import_lines(db, ndjson(batch("C0"), batch("W0", [("C120", 1)])))
    assert report.ok, report.errors


async def test_a_cycle_in_the_import_names_each_batch_as_an_input_of_the_next(db):
    await load(db, *BASE)
    report = await import_lines(db, ndjson(batch("A", [("C", 1)]), batch("B", [("A", 1)]), batch("C", [("B", 1)])))
    assert [(e.line, e.field) for e in report.errors] == [(1, "inputs")]
    message = report.errors[0].message
    assert message.startswith("a batch may not be its own ancestor: INPUT_TO cycle ")
    path = message.split("cycle ")[1].removesuffix(" (each an input of the next)").split(" -> ")
    assert path[0] == path[-1] and sorted(path[:-1]) == ["A", "B", "C"]
    inputs = {"A": "C", "B": "A", "C": "B"}
    assert all(inputs[after] == before for before, after in pairwise(path))


async def test_chunked_writes_give_the_graph_a_whole_import_gives(db, small_chunks, monkeypatch):
    records = [*BASE, *(enterprise(f"E{i}") for i in range(60))]
    records += [batch(f"B{i}", [(f"B{i - 1}", 1)] if i else None) for i in range(120)]
    records += [shipment(f"S{i}", f"B{i % 120}", f"E{i % 60}") for i in range(130)]
    report = await load(db, *records)
    assert report.created == len(records)
    streamed = await nodes(db), await relationships(db)
    await db.write("testing/wipe_all")
    monkeypatch.setattr(parse, "PROGRESS_EVERY", 10_000)
    assert (await load(db, *records)).created == len(records)
    assert (await nodes(db), await relationships(db)) == streamed


def faulty_file() -> bytes:
    """Every kind of fault, spread over chunks of 3 lines: a blank line, a refused record and a line that refers to
    it, a line that is no JSON, a record restated unalike, a dangling reference, undecodable bytes."""
    good = ndjson(*ALL_TYPES)
    lines = [
        *good[:5],
        "",
        json.dumps(enterprise("X1", country="XX")),
        json.dumps(shipment("S9", "B1", "X1")),
        "{not json",
        *good[5:],
        json.dumps(batch("B1", quantity=7)),
        json.dumps(shipment("S8", "NOPE", "E2")),
    ]
    return "\n".join(lines).encode() + b"\n\xff\xfe\n" + json.dumps(enterprise("E9")).encode() + b"\n"


def worker_processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Worker processes validate from line 6 on, 3 lines a chunk, two of them whatever the machine's cores; the
    calls of the path that hands them the lines are counted."""
    monkeypatch.setattr(parse, "PROGRESS_EVERY", 3)
    monkeypatch.setattr(parse, "PARALLEL_FROM_LINE", 6)
    monkeypatch.setattr(parse, "WORKERS", 2)
    real = parse._parse_in_workers
    calls: list[int] = []

    async def counted(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(parse, "_parse_in_workers", counted)
    return calls


async def test_worker_processes_find_what_this_process_finds(db, small_chunks, monkeypatch):
    """The same errors, in the same order and with the same messages (a refused record counting the lines of later
    chunks that refer to it), and, for a clean file, the same graph, whether the lines are validated here or by
    worker processes."""
    here = await import_lines(db, file_lines(io.BytesIO(faulty_file())))
    assert here.error_count == 5 and await node_count(db) == 0
    await import_lines(db, ndjson(*ALL_TYPES))
    in_process = await nodes(db), await relationships(db)
    await db.write("testing/wipe_all")

    calls = worker_processes(monkeypatch)
    there = await import_lines(db, file_lines(io.BytesIO(faulty_file())))
    assert calls == [1]
    assert [(e.line, e.field, e.message) for e in there.errors] == [(e.line, e.field, e.message) for e in here.errors]
    assert there.error_count == here.error_count
    assert await node_count(db) == 0
    report = await import_lines(db, ndjson(*ALL_TYPES))
    assert report.by_type == {t: Counts(created=n) for t, n in ALL_TYPES_COUNTS.items()}
    assert (await nodes(db), await relationships(db)) == in_process


async def test_memory_does_not_grow_with_the_file(db, monkeypatch):
    """Python's peak allocations while importing 4 000 lines are those of 1 000: a chunk (here 500 lines, 50
    records per write) is in memory, never the file or its records. (Before, every record model was held until
    the writes: four times the lines took about four times the memory.)"""
    monkeypatch.setattr(parse, "PROGRESS_EVERY", 500)
    await load(db, *BASE)

    def lines(n: int, tag: str) -> Iterator[str]:
        for i in range(n):
            yield json.dumps(batch(f"{tag}{i}", [(f"{tag}{i - 1}", 1)] if i else None, originCountry="NZ"))

    async def peak(n: int, tag: str) -> int:
        tracemalloc.start()
        try:
            report = await import_lines(db, lines(n, tag), dry_run=True)
            assert report.ok, report.errors[:3]
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = await peak(1_000, "S"), await peak(4_000, "L")
    assert large < 1.5 * small, (small, large)


def test_a_gzip_body_is_inflated_to_disk_in_bounded_steps(tmp_path):
    """A small body that inflates to 200 MB (a gzip bomb, or just a big file) never sits in memory whole."""
    compressed = gzip.compress(b'{"type": "enterprise"}\n' * 8_000_000, compresslevel=1)
    tracemalloc.start()
    try:
        spool = Spool(gzipped=True, directory=str(tmp_path))
        for i in range(0, len(compressed), 65_536):
            spool.write(compressed[i : i + 65_536])
        lines = spool.finish()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == 8_000_000 and spool.path.stat().st_size == 23 * 8_000_000
    assert peak < 8 * Spool.STEP, peak
    spool.discard()
    assert not spool.path.exists()
