"""Stage 4, write (pass 2, over the index): the records in UNWIND batches, one named statement per type, in
dependency order.

Each node is written with its relationships to nodes of earlier types, and only rewritten when its content changed;
it names who supplied it (`suppliedBy`), and what a changed record said before is kept as an append-only
(:RecordVersion) copy, written just before it. Records of the bulk types (CREATED) that have no node yet are
created, not merged (a third cheaper on the server), the uniqueness constraints guarding against a writer that
created them meanwhile.
Batch inputs may name batches written later: a new batch is created with the inputs that exist by then, and a
second pass after every batch links the rest, and the inputs of every batch that existed before this import, so a
re-run after a fault anywhere completes what the fault left undone (what the failed run created existed before the
re-run)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import neo4j

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
# Relationship pass: the batch inputs their batch's write left (they may name batches written later). Other
# relationships point at nodes written by earlier types, so they are written with their node (upsert_<type>).


# --- the import --------------------------------------------------------------------------------


SYSTEM_SUPPLIER = "import"  # an import no caller is named for (the CLI's, the tests')


# Types whose records the import knows to be new are created by ingest/create_<type> instead of being upserted.
CREATED = frozenset({"batch", "shipment", "test_report"})


async def write_chunks(
    graph: Graph,
    name: str,
    rows: Iterable[dict[str, Any]],
    tally: Callable[[Any], None] | None,
    stage: str,
    step: Callable[[str, int], None],
    versions_of: str | None = None,
    supplied_by: str = SYSTEM_SUPPLIER,
    create: str | None = None,
    leave_unrelated: Callable[[list[str]], None] | None = None,
) -> None:
    """One statement per chunk of rows, Settings.import_concurrency chunks at a time, with the next chunk read from
    the index (and its stored hashes looked up) while the server writes the one before. Only the chunks in flight
    and the one read ahead are in memory. Chunks of one type never share a record; a failed chunk cancels the
    others and its error is raised (the import is then re-run).
    `versions_of`: the record type whose changed records keep their previous state (ingest/keep_versions), written
    just before the chunk. `create`: the statement that creates the chunk's records no node exists for (found by
    the same read of the stored hashes); should another writer create one of them first, the uniqueness constraint
    fails it and they are upserted by `name` instead. `leave_unrelated`: told the batches whose inputs are left
    to ingest/relate_batch (all but those created with every input linked); each chunk's progress then counts its
    others as linked too."""
    slots = asyncio.Semaphore(graph.settings.import_concurrency)
    rows_in_chunks = aiter(chunks(iter(rows), graph.settings.import_batch_size))

    async def read_ahead() -> tuple[list[dict[str, Any]], dict[str, str | None]] | None:
        chunk = await anext(rows_in_chunks, None)
        if chunk is None:
            return None
        # One read of the stored hashes: only a record whose stored state differs has a previous state to keep (a
        # fresh import's chunks, and an unchanged re-import's, keep none), and a record with no node is new.
        # Unchanged records are still written: a stored value damaged outside the import (INVALID_STORED_VALUE) is
        # repaired by re-importing its record, as the error says.
        stored = await stored_hashes(graph, versions_of, [row["id"] for row in chunk]) if versions_of else {}
        return chunk, stored

    async def upsert(rows: list[dict[str, Any]], stored: dict[str, str | None], now: int) -> dict[str, Any]:
        if versions_of is not None and any(stored.get(row["id"], row["hash"]) != row["hash"] for row in rows):
            await graph.write("ingest/keep_versions", rows=rows, type=versions_of, now=now, suppliedBy=supplied_by)
        return dict((await graph.write(name, rows=rows, now=now))[0])

    async def write(chunk: list[dict[str, Any]], stored: dict[str, str | None]) -> None:
        try:
            now = now_ms()
            results = []
            new = [row for row in chunk if row["id"] not in stored] if create is not None else []
            old = [row for row in chunk if row["id"] in stored] if new else chunk
            unrelated: list[str] = [row["id"] for row in old] if leave_unrelated is not None else []
            if new:
                assert create is not None and versions_of is not None
                try:
                    created = dict((await graph.write(create, rows=new, now=now))[0])
                    unrelated += created.pop("short", None) or ()
                    results.append(created)
                except neo4j.exceptions.ConstraintError:
                    # Another writer created some of them since the read: upsert them as a re-run would.
                    stored = {**stored, **await stored_hashes(graph, versions_of, [row["id"] for row in new])}
                    old = [*old, *new]
                    unrelated = [row["id"] for row in old] if leave_unrelated is not None else []
            if old:
                results.append(await upsert(old, stored, now))
        finally:
            slots.release()
        for result in results:
            if tally:
                tally(result)
        done = len(chunk)
        if leave_unrelated is not None:
            if unrelated:
                await asyncio.to_thread(leave_unrelated, unrelated)
            done += len(chunk) - len(unrelated)  # linked with their batch: that much of the relationship pass done
        step(stage, done)

    try:
        async with asyncio.TaskGroup() as group:
            ahead = group.create_task(read_ahead())
            while True:
                await slots.acquire()  # the next chunk is sent only when it can be
                prepared = await ahead
                if prepared is None:
                    slots.release()
                    break
                ahead = group.create_task(read_ahead())  # read while this one is written
                group.create_task(write(*prepared))
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

        # A new batch is written with the inputs that exist by then (its relation row's): most need no second pass.
        rows = (
            {**_supplied(upsert, supplied_by), "inputs": relation["inputs"]}
            if rtype == "batch" and relation is not None
            else _supplied(upsert, supplied_by)
            for upsert, relation in index.rows(rtype)
        )
        await write_chunks(
            graph,
            f"ingest/upsert_{rtype}",
            rows,
            tally,
            f"writing {rtype}",
            step,
            rtype,
            supplied_by,
            create=f"ingest/create_{rtype}" if rtype in CREATED else None,
            leave_unrelated=index.leave_unrelated if rtype == "batch" else None,
        )

    # Inputs of the batches their write left unrelated: every batch that existed (a re-run after a fault anywhere
    # completes what it left undone) and every new one with an input that did not exist yet.
    await write_chunks(graph, "ingest/relate_batch", index.unrelated_rows(), None, "linking batch", step)

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
