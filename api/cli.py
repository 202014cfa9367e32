"""The `tracegraph` command: bulk import, schema, and the HTTP server."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import credit
from graph.db import Graph, open_driver
from graph.ingest import ImportReport, import_lines
from graph.schema import apply_schema
from graph.settings import get_settings

cli = typer.Typer(
    help="Traceability and credit graph: import records, manage the schema, serve the API.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


async def _with_graph(work):  # type: ignore[no-untyped-def]
    settings = get_settings()
    graph = Graph(open_driver(settings), settings)
    try:
        return await work(graph)
    finally:
        await graph.close()


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="NDJSON records")],
    batch_size: Annotated[int | None, typer.Option(help="Records per write transaction.")] = None,
) -> None:
    """Import NDJSON records (contract/RECORDS.md): all or nothing, idempotent, errors with line numbers."""
    if batch_size:
        get_settings().import_batch_size = batch_size
    lines = file.read_text(encoding="utf-8").splitlines()

    async def work(graph: Graph) -> ImportReport:
        await apply_schema(graph)
        if not err.is_terminal:
            return await import_lines(graph, lines)
        with Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("validating", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            return await import_lines(graph, lines, progress)

    report = asyncio.run(_with_graph(work))
    if not report.ok:
        for e in report.errors:
            where = f"{file}:{e.line}" + (f": {e.field}" if e.field else "")
            err.print(f"[red]{where}[/red]: {e.message}", highlight=False, soft_wrap=True)
        shown = len(report.errors)
        more = f" (first {shown} shown)" if report.error_count > shown else ""
        err.print(f"[bold red]{report.error_count} error(s){more}; nothing was written.[/bold red]")
        raise typer.Exit(1)
    table = Table("type", "created", "updated", "unchanged", title=f"imported {file}")
    for rtype, c in report.by_type.items():
        table.add_row(rtype, str(c.created), str(c.updated), str(c.unchanged))
    table.add_row("total", str(report.created), str(report.updated), str(report.unchanged), style="bold")
    Console().print(table)


@cli.command()
def schema() -> None:
    """Create the constraints and indexes of cypher/schema/ that are missing."""
    names = asyncio.run(_with_graph(apply_schema))
    typer.echo(f"schema: {len(names)} statements applied")


@cli.command()
def generate(
    size: Annotated[str, typer.Option(help="S (about 10 000 batches), M (100 000) or L (1 000 000)")] = "S",
    seed: Annotated[int, typer.Option(help="Same seed, same data")] = 1,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="NDJSON file to write; default stdout")] = None,
) -> None:
    """Write a synthetic, realistic data set (contract/RECORDS.md NDJSON), deterministic by seed."""
    from seed.generate import SIZES, write

    if size not in SIZES:
        raise typer.BadParameter(f"{size!r} is not one of {', '.join(SIZES)}", param_hint="--size")
    if out is None:
        counts = write(size, seed, sys.stdout)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as f:
            counts = write(size, seed, f)
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    Console(stderr=True).print(f"generated size {size} seed {seed}: {sum(counts.values())} records ({summary})")


credit_cli = typer.Typer(help="Credit grades: evaluation of listings that started or expired.")
cli.add_typer(credit_cli, name="credit")


@credit_cli.command("sweep")
def credit_sweep() -> None:
    """Re-evaluate every grade a listing's start, expiry or correction may have changed (the server does this
    every CREDIT_SWEEP_INTERVAL_S seconds)."""
    changes = asyncio.run(_with_graph(credit.sweep))
    for c in changes:
        typer.echo(f"{c.seq}\t{c.enterprise}\t{c.from_grade.value} -> {c.to_grade.value}\t{c.reason}")
    typer.echo(f"credit sweep: {len(changes)} grade change(s)")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(envvar="API_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="API_PORT")] = 8000,
    reload: bool = False,
) -> None:
    """Serve GraphQL (GraphiQL at /graphql), the CSV export and the health endpoints, with the connection limits
    and timeouts of the API_* settings."""
    from api import server

    settings = get_settings()
    server.run(server.server_config(settings, host, port, reload), settings)


def main() -> None:
    # As in the server (api/logging.py): planner notes about names a young database has not seen yet are noise here.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
