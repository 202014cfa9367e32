"""Stage 4, write: the records in UNWIND batches, one named statement per type, in dependency order.

Each node is written with its relationships to nodes of earlier types, and only rewritten when its content changed.
Batch inputs, which may name batches written later, are a second pass that always runs for every batch: a re-run
after a fault anywhere completes what the fault left undone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from graph.clock import now_ms
from graph.db import Graph
from graph.ingest.check import Known
from graph.ingest.parse import Latest, gc_paused
from graph.ingest.report import Counts, ImportReport
from graph.ingest.rows import link_row, relation_row, upsert_row

# Written in this order: nodes that others point at come first (only matters within the node pass).
NODE_TYPES = (
    "enterprise",
    "person",
    "product",
    "lab",
    "agency",
    "batch",
    "shipment",
    "test_report",
    "blacklist",
    "risk_signal",
)
# Relationship pass: batch inputs, which may name batches written later. Other relationships point at nodes
# written by earlier types, so they are written with their node (in upsert_<type>).


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """itertools.batched arrives in Python 3.12; the service supports 3.11."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# --- the import --------------------------------------------------------------------------------


async def write_chunks(
    graph: Graph,
    name: str,
    records: list[Any],
    rows_of: Callable[[list[Any]], list[dict[str, Any]]],
    tally: Callable[[Any], None] | None,
    stage: str,
    step: Callable[[str, int], None],
) -> None:
    """One statement per chunk of records, Settings.import_concurrency chunks at a time: the server works on one
    while the next is packed and sent. Chunks of one type never share a record; a failed chunk cancels the others
    and its error is raised (the import is then re-run)."""
    slots = asyncio.Semaphore(graph.settings.import_concurrency)

    async def write(chunk: list[Any]) -> None:
        async with slots:
            with gc_paused():
                rows = rows_of(chunk)  # built only when a slot is free: memory stays bounded
            result = (await graph.write(name, rows=rows, now=now_ms()))[0]
        if tally:
            tally(result)
        step(stage, len(chunk))

    try:
        async with asyncio.TaskGroup() as group:
            for chunk in batched(records, graph.settings.import_batch_size):
                group.create_task(write(chunk))
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None


@dataclass
class Written:
    """What the writes touched that derived state depends on."""

    graded: set[str] = field(default_factory=set)  # enterprises whose credit grade the import may have changed
    failed_reports: list[str] = field(default_factory=list)  # FAIL test reports (LAB_FAILURE signals)


def units(latest: Latest) -> int:
    """Progress units of the writes: one per record written, and one per batch whose inputs are linked."""
    return sum(len(b) for b in latest.values()) + len(latest.get("batch", {}))


async def write(
    graph: Graph, latest: Latest, known: Known, report: ImportReport, step: Callable[[str, int], None]
) -> Written:
    """Write every record of a checked import; count them in `report`."""
    written = Written(graded={p.record.enterprise for p in latest.get("blacklist", {}).values()})
    for rtype in NODE_TYPES:
        records = [p.record for p in latest.get(rtype, {}).values()]
        if not records:
            continue
        counts = report.by_type.setdefault(rtype, Counts())

        def tally(row: Any, counts: Counts = counts) -> None:
            counts.add(row["created"], row["updated"], row["unchanged"])
            written.graded.update(row.get("movedFrom") or ())

        await write_chunks(
            graph,
            f"ingest/upsert_{rtype}",
            records,
            lambda c: [upsert_row(r) for r in c],
            tally,
            f"writing {rtype}",
            step,
        )

    batches = [p.record for p in latest.get("batch", {}).values()]
    await write_chunks(
        graph, "ingest/relate_batch", batches, lambda c: [relation_row(r) for r in c], None, "linking batch", step
    )

    links = [p.record for p in latest.get("link", {}).values()]
    if links:
        counts = report.by_type.setdefault("link", Counts())
        await write_chunks(
            graph,
            "ingest/upsert_link",
            links,
            lambda c: [link_row(r, holder_is_person=r.from_ in known.persons) for r in c],
            lambda row: counts.add(row["created"], row["updated"], row["unchanged"]),
            "writing link",
            step,
        )
    written.failed_reports = [p.record.id for p in latest.get("test_report", {}).values() if p.record.result == "FAIL"]
    return written
