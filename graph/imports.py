"""Imports, whole: the pipeline (graph/ingest/) and then the state derived from what it wrote, each step found
again from the graph so that a re-run after a fault anywhere completes it.

Every way in (the CLI, importRecords, reportSignal, POST /imports) imports through here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graph import contagion, credit
from graph.db import Graph
from graph.errors import BadInput
from graph.ingest import pipeline
from graph.ingest.index import ImportIndex, chunks
from graph.ingest.report import ImportReport, Progress
from graph.ingest.source import SourceLine
from graph.ingest.write import SYSTEM_SUPPLIER
from graph.risk import signals

DERIVED_STEPS = 2  # progress units after the writes: ties, grades

# Told of every import's report when it ends, whatever the way in (api/metrics.py counts rows); quick, no I/O.
report_observers: list[Callable[[ImportReport], None]] = []


async def import_lines(
    graph: Graph,
    lines: Iterable[SourceLine],
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    total_lines: int | None = None,
    parties: frozenset[str] | None = None,
    supplied_by: str = SYSTEM_SUPPLIER,
) -> ImportReport:
    """Validate and write the records of `lines` (item n is line n; read once, so a file streams through), then
    refresh what they change: contagion ties (work items the writes recorded), credit grades (listings and
    declared grades) and LAB_FAILURE signals. A dry run validates and counts what it would create, update and
    leave unchanged, and writes nothing. `parties`: a data supplier's (graph/ingest/parties.py); None: any.
    `supplied_by`: who supplies the records (the caller's subject), kept on what the import writes."""
    with ImportIndex() as index:
        outcome = await pipeline.run(
            graph,
            lines,
            index,
            progress,
            steps_after=DERIVED_STEPS,
            dry_run=dry_run,
            total_lines=total_lines,
            parties=parties,
            supplied_by=supplied_by,
        )
        if outcome.written is None:
            return _observed(outcome.report)
        await derive(graph, outcome.written.graded, outcome.failed_reports(), outcome.step)
        return _observed(outcome.report)


async def derive(
    graph: Graph, graded: Iterable[str], failed_reports: Iterator[str], step: Callable[[str, int], None] | None = None
) -> None:
    """The state derived from what an import wrote: the contagion ties its work items name, the credit grades of
    `graded` (and any stale one), a LAB_FAILURE signal per FAIL report, the
    signals of one incident linked. Each step finds its work again from the
    graph, so a re-run after a fault completes it. Also the initial load's (ops/initial_load.py)."""
    await contagion.refresh_pending_ties(graph)
    if step:
        step("refreshing contagion ties", 1)
    await credit.sweep(graph, also=graded)
    if step:
        step("evaluating credit grades", 1)
    async for reports in chunks(failed_reports, graph.settings.import_batch_size):
        await signals.raise_lab_failures(graph, reports)
    await signals.link_incidents(graph)  # reports of one incident (channels, lab failures) linked, counted once


def _observed(report: ImportReport) -> ImportReport:
    for observe in report_observers:
        observe(report)
    return report


async def report_signal(graph: Graph, record: dict[str, Any], supplied_by: str = SYSTEM_SUPPLIER) -> signals.Signal:
    """One signal through the import path: the same validation, references and idempotence as a record."""
    report = await import_lines(graph, [json.dumps({"type": "risk_signal", **record})], supplied_by=supplied_by)
    if not report.ok:
        first = report.errors[0]
        raise BadInput(f"input.{first.field}" if first.field else "input", first.message)
    stored = (await signals.signals_by_id(graph, [record["id"]]))[0]
    assert stored is not None  # just written
    return stored
