"""The import pipeline: parse -> check -> rows -> write, all or nothing. It knows records and the graph, and no
capability: what is derived from the records (ties, grades, signals) is graph/imports.py's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.db import Graph
from graph.ingest import check, parse, write
from graph.ingest.report import Errors, ImportReport, Progress
from graph.ingest.source import SourceLine


@dataclass
class Outcome:
    report: ImportReport
    written: write.Written | None  # None when the import had errors and wrote nothing
    step: Callable[[str, int], None]  # advances the same progress, for the steps that follow the pipeline


async def run(
    graph: Graph, lines: Iterable[SourceLine], progress: Progress | None = None, steps_after: int = 0
) -> Outcome:
    """Validate every line; if all are valid, write them. `lines`: item n is line n, from any source."""
    errors = Errors()
    parsed = parse.parse_lines(lines, errors)
    latest = parse.unique(parsed, errors)
    known = await check.check_references(graph, latest, errors)
    if errors.count == 0:  # a cycle check over dangling references would only add noise
        await check.check_cycles(graph, latest.get("batch", {}), known.existing_batches, errors)
    report = ImportReport(errors=sorted(errors.items, key=lambda e: e.line), error_count=errors.count)

    total = write.units(latest) + steps_after
    done = 0

    def step(stage: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    if errors.count:
        return Outcome(report, None, step)
    return Outcome(report, await write.write(graph, latest, known, report, step), step)
