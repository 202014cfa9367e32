"""The import pipeline: parse -> check -> rows -> write, all or nothing. It knows records and the graph, and no
capability: what is derived from the records (ties, grades, signals) is graph/imports.py's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.db import Graph
from graph.ingest import check, parse, write
from graph.ingest.preview import preview
from graph.ingest.report import Errors, ImportReport, Progress
from graph.ingest.source import SourceLine


@dataclass
class Outcome:
    report: ImportReport
    written: write.Written | None  # None when the import had errors and wrote nothing
    step: Callable[[str, int], None]  # advances the same progress, for the steps that follow the pipeline


async def run(
    graph: Graph,
    lines: Iterable[SourceLine],
    progress: Progress | None = None,
    *,
    steps_after: int = 0,
    dry_run: bool = False,
    total_lines: int | None = None,
) -> Outcome:
    """Validate every line; if all are valid, write them (or, in a dry run, count what writing would do).
    `lines`: item n is line n, from any source; `total_lines`, when known, lets validation progress show a total."""
    errors = Errors()
    parsed = parse.parse_lines(lines, errors, progress, total_lines)
    latest = parse.unique(parsed, errors)
    known = await check.check_references(graph, latest, errors)
    await check.check_cycles(graph, latest.get("batch", {}), known.existing_batches, errors)
    report = ImportReport(errors=errors.sorted(), error_count=errors.count, dry_run=dry_run)

    total = write.units(latest) + steps_after
    done = 0

    def step(stage: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    if errors.count:
        return Outcome(report, None, step)
    if dry_run:
        await preview(graph, latest, report)
        return Outcome(report, None, step)
    return Outcome(report, await write.write(graph, latest, known, report, step), step)
