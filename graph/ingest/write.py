"""Stage 4, write (pass 2, over the index): the records in UNWIND batches, one named statement per type, in
dependency order.

Each node is written with its relationships to nodes of earlier types, and only rewritten when its content changed;
it names who supplied it (`suppliedBy`), and what a changed record said before is kept as an append-only
(:RecordVersion) copy, written just before it.
Batch inputs, which may name batches written later, are a second pass that always runs for every batch: a re-run
after a fault anywhere completes what the fault left undone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.clock import now_ms
from graph.db import Graph
from graph.ingest.index import ImportIndex, chunks
from graph.ingest.report import Counts, ImportReport
from graph.ingest.rows import link_row

# Written in this order: nodes that others point at come first (only matters within the node pass).
NODE_TYPES = (
    "enterprise",
    "person",
    "product",
    "lab",
    "agency",
    "monitoring_plan",
    "batch",
    "shipment",
    "test_report",
    "blacklist",
    "risk_signal",
    "foreign_measure",
)
# Relationship pass: batch inputs, which may name batches written later. Other relationships point at nodes
# written by earlier types, so they are written with their node (in upsert_<type>).


# --- the import --------------------------------------------------------------------------------


SYSTEM_SUPPLIER = "import"  # an import no caller is named for (the CLI's, the tests')


async def write_chunks(
    graph: Graph,
    name: str,
    rows: Iterable[dict[str, Any]],
    tally: Callable[[Any], None] | None,
    stage: str,
    step: Callable[[str, int], None],
    versions_of: str | None = None,
    supplied_by: str = SYSTEM_SUPPLIER,
) -> None:
    """One statement per chunk of rows, Settings.import_concurrency chunks at a time: the server works on one
    while the next is read from the index and sent. Only the chunks in flight are in memory. Chunks of one type
    never share a record; a failed chunk cancels the others and its error is raised (the import is then re-run).
    `versions_of`: the record type whose changed records keep their previous state (ingest/keep_versions), written
    just before the chunk."""
    slots = asyncio.Semaphore(graph.settings.import_concurrency)
    rows_in_chunks = aiter(chunks(iter(rows), graph.settings.import_batch_size))

    async def write(chunk: list[dict[str, Any]]) -> None:
        try:
            now = now_ms()
            replaced = False
            if versions_of is not None:
                # One read of the stored hashes: only a record whose stored state differs has a previous state to
                # keep (a fresh import's chunks, and an unchanged re-import's, keep none). Unchanged records are
                # still written: a stored value damaged outside the import (INVALID_STORED_VALUE) is repaired by
                # re-importing its record, as the error says.
                stored = await stored_hashes(graph, versions_of, [row["id"] for row in chunk])
                replaced = any(stored.get(row["id"], row["hash"]) != row["hash"] for row in chunk)
            if replaced:
                await graph.write("ingest/keep_versions", rows=chunk, type=versions_of, now=now, suppliedBy=supplied_by)
            result = dict((await graph.write(name, rows=chunk, now=now))[0])
        finally:
            slots.release()
        if tally:
            tally(result)
        step(stage, len(chunk))

    try:
        async with asyncio.TaskGroup() as group:
            while True:
                await slots.acquire()  # read the next chunk only when it can be sent
                chunk = await anext(rows_in_chunks, None)
                if chunk is None:
                    slots.release()
                    break
                group.create_task(write(chunk))
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None


_NO_IDS: dict[str, list[str]] = {**{rtype: [] for rtype in NODE_TYPES}, "links": []}


async def stored_hashes(graph: Graph, rtype: str, ids: list[str]) -> dict[str, str | None]:
    """The content hash each existing node of `ids` holds (ingest/stored_hashes); an absent id has no node."""
    row = (await graph.read("ingest/stored_hashes", **{**_NO_IDS, rtype: ids}))[0]
    return dict(row[rtype])


@dataclass
class Written:
    """What the writes touched that derived state depends on."""

    graded: set[str] = field(default_factory=set)  # enterprises whose credit grade the import may have changed


def units(index: ImportIndex) -> int:
    """Progress units of the writes: one per record written, and one per batch whose inputs are linked."""
    return index.count() + index.count("batch")


def _supplied(row: dict[str, Any], supplied_by: str) -> dict[str, Any]:
    return {**row, "props": {**row["props"], "suppliedBy": supplied_by}}


async def write(
    graph: Graph,
    index: ImportIndex,
    report: ImportReport,
    step: Callable[[str, int], None],
    supplied_by: str = SYSTEM_SUPPLIER,
) -> Written:
    """Write every record of a checked import, each naming `supplied_by` (the caller's subject); count them in
    `report`."""
    written = Written(graded=set(index.listed_enterprises()))
    for rtype in NODE_TYPES:
        if not index.count(rtype):
            continue
        counts = report.by_type.setdefault(rtype, Counts())

        def tally(row: Any, counts: Counts = counts) -> None:
            counts.add(row["created"], row["updated"], row["unchanged"])
            written.graded.update(row.get("movedFrom") or ())

        rows = (_supplied(upsert, supplied_by) for upsert, _ in index.rows(rtype))
        await write_chunks(graph, f"ingest/upsert_{rtype}", rows, tally, f"writing {rtype}", step, rtype, supplied_by)

    relations = (relation for _, relation in index.rows("batch") if relation is not None)
    await write_chunks(graph, "ingest/relate_batch", relations, None, "linking batch", step)

    if index.count("link"):
        counts = report.by_type.setdefault("link", Counts())
        await write_chunks(
            graph,
            "ingest/upsert_link",
            (link_row(x.kind, x.holder, x.target, x.share, x.holder_is_person) for x in index.links()),
            lambda row: counts.add(row["created"], row["updated"], row["unchanged"]),
            "writing link",
            step,
        )
    return written
