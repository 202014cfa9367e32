"""The import pipeline: parse -> check -> write, all or nothing, in two passes: the lines once (parse, into the
on-disk index), then the index (check, then write or preview). Memory holds a chunk, never the file or its
records. It knows records and the graph, and no capability: what is derived from the records (ties, grades,
signals) is graph/imports.py's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from graph.db import Graph
from graph.ingest import check, parse, write
from graph.ingest.index import ImportIndex
from graph.ingest.preview import preview
from graph.ingest.report import Errors, ImportReport, Progress
from graph.ingest.source import SourceLine


@dataclass
class Outcome:
    report: ImportReport
    written: write.Written | None  # None when the import had errors and wrote nothing
    step: Callable[[str, int], None]  # advances the same progress, for the steps that follow the pipeline
    failed_reports: Callable[[], Iterator[str]]  # FAIL test reports written (read from the index while open)


async def validate(
    graph: Graph,
    lines: Iterable[SourceLine],
    index: ImportIndex,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    total_lines: int | None = None,
    parties: frozenset[str] | None = None,
) -> ImportReport:
    """Parse and check every line into `index`: the report of its errors (none: the index holds a checked
    import, ready for write, preview or the initial load's CSV files, graph/ingest/bulk.py)."""
    errors = Errors()
    await parse.parse_lines(lines, index, errors, progress, total_lines, parties)
    await asyncio.to_thread(check.check_duplicates, index, errors)
    await check.look_up_outside(graph, index)
    await asyncio.to_thread(check.check_references, index, errors)
    await check.check_cycles(graph, index, errors)
    return ImportReport(errors=errors.sorted(index.dependents), error_count=errors.count, dry_run=dry_run)


async def run(
    graph: Graph,
    lines: Iterable[SourceLine],
    index: ImportIndex,
    progress: Progress | None = None,
    *,
    steps_after: int = 0,
    dry_run: bool = False,
    total_lines: int | None = None,
    parties: frozenset[str] | None = None,
    supplied_by: str = write.SYSTEM_SUPPLIER,
) -> Outcome:
    """Validate every line; if all are valid, write them (or, in a dry run, count what writing would do).
    `lines`: item n is line n, from any source, read once; `total_lines`, when known, lets validation progress
    show a total; `parties`: a data supplier's, whose records alone it may write (None: any party). `index`
    holds the import's working set; the caller closes it after the derived steps."""
    report = await validate(graph, lines, index, progress, dry_run=dry_run, total_lines=total_lines, parties=parties)
    errors_found = report.error_count

    total = write.units(index) + steps_after
    done = 0

    def step(stage: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    outcome = Outcome(report, None, step, index.failed_reports)
    if errors_found:
        return outcome
    if dry_run:
        await preview(graph, index, report)
        return outcome
    outcome.written = await write.write(graph, index, report, step, supplied_by)
    return outcome
