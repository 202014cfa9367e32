"""The `tracegraph` command: bulk import, schema, and the HTTP server."""

from __future__ import annotations

import asyncio
import codecs
import importlib.metadata
import importlib.util
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import neo4j
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from api.import_client import RemoteImportError, import_over_http
from graph import credit, migrations
from graph.db import Graph, open_driver
from graph.identity import Role
from graph.imports import import_lines
from graph.ingest import ImportReport, file_lines
from graph.schema import apply_schema
from graph.settings import Settings, get_settings

cli = typer.Typer(
    help="Traceability and credit graph: import records, manage the schema, serve the API.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracegraph {importlib.metadata.version('tracegraph')}")
        raise typer.Exit()


@cli.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Traceability and credit graph: import records, manage the schema, serve the API."""


err = Console(stderr=True)


T = TypeVar("T")


def _target(settings: Settings) -> str:
    """Where a command writes, said before it does: the default is a local server, which may not be meant."""
    source = "NEO4J_URI" if "NEO4J_URI" in os.environ else "default; set NEO4J_URI to change"
    return f"{settings.neo4j_uri} database {settings.neo4j_database!r} ({source})"


async def _with_graph(
    work: Callable[[Graph], Awaitable[T]], settings: Settings | None = None, writes: bool = True
) -> T:
    """Run `work(graph)`; a database that cannot be reached is one line and exit status 2, not a traceback."""
    settings = settings or get_settings()
    if writes:
        err.print(f"target: {_target(settings)}", highlight=False, soft_wrap=True)
    graph = Graph(open_driver(settings), settings)
    try:
        await graph.driver.verify_connectivity()
        return await work(graph)
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.AuthError) as error:
        err.print(
            f"[red]cannot use Neo4j at {settings.neo4j_uri}: {error.message or error}[/red]",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    finally:
        await graph.close()


def _count_lines(path: Path) -> int:
    """Lines of a file, counted in 1 MB blocks (the bar's total while validating): fast, and memory stays flat."""
    count, last = 0, b"\n"
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _progress_on(bar: Progress) -> Callable[[str, int, int | None], None]:
    """A progress callback drawing on `bar`: bytes while uploading, lines while validating, then records. The bar
    starts again when the unit changes, so its rate and time remaining are of one unit."""
    task = bar.add_task("validating", total=None, rate="")
    shown = {"unit": ""}

    def progress(stage: str, done: int, total: int | None) -> None:
        unit = {"uploading": "bytes", "validating": "lines"}.get(stage, "records")
        if unit != shown["unit"]:
            shown["unit"] = unit
            bar.reset(task, total=total, description=stage)
        speed = bar.tasks[task].speed
        rate = f"{speed:,.0f} {unit}/s" if speed else ""
        bar.update(task, description=stage, completed=done, total=total, rate=rate)

    return progress


def _import_locally(
    file: Path, settings: Settings, encoding: str, dry_run: bool, show_progress: bool
) -> dict[str, Any]:
    total_lines = _count_lines(file)

    async def work(graph: Graph) -> ImportReport:
        if not dry_run:
            await apply_schema(graph)
        with file.open("rb") as stream:
            lines = file_lines(stream, encoding)
            if not show_progress:
                return await import_lines(graph, lines, dry_run=dry_run, total_lines=total_lines)
            with _bar() as bar:
                return await import_lines(graph, lines, _progress_on(bar), dry_run=dry_run, total_lines=total_lines)

    report: ImportReport = asyncio.run(_with_graph(work, settings, writes=not dry_run))
    return report.as_json(str(file))


def _import_remotely(
    file: Path, url: str, token: str | None, encoding: str, dry_run: bool, show_progress: bool
) -> dict[str, Any]:
    if not dry_run:
        err.print(f"target: {url.rstrip('/')}/imports (an import job on that server)", highlight=False, soft_wrap=True)
    try:
        if not show_progress:
            return import_over_http(file, url, token=token, dry_run=dry_run, encoding=encoding)
        with _bar() as bar:
            return import_over_http(
                file, url, token=token, dry_run=dry_run, encoding=encoding, progress=_progress_on(bar)
            )
    except RemoteImportError as error:
        err.print(f"[red]{error}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _print_report(file: Path, report: dict[str, Any], as_json: bool) -> None:
    """The report of a local or a remote import, alike; exit status 1 when it has errors (nothing was written)."""
    if as_json:
        typer.echo(json.dumps({**report, "file": str(file)}, ensure_ascii=False))
        if not report["ok"]:
            raise typer.Exit(1)
        return
    if not report["ok"]:
        for e in report["errors"]:
            where = f"{file}:{e['line']}" + (f": {e['field']}" if e["field"] else "")
            err.print(f"[red]{where}[/red]: {e['message']}", highlight=False, soft_wrap=True)
        shown = len(report["errors"])
        more = f" (first {shown} shown)" if report["errorCount"] > shown else ""
        err.print(f"[bold red]{report['errorCount']} error(s){more}; nothing was written.[/bold red]")
        raise typer.Exit(1)
    dry_run = report["dryRun"]
    title = f"dry run of {file}: nothing was written" if dry_run else f"imported {file}"
    heads = ("would create", "would update", "unchanged") if dry_run else ("created", "updated", "unchanged")
    table = Table("type", *heads, title=title)
    for rtype, c in report["byType"].items():
        table.add_row(rtype, str(c["created"]), str(c["updated"]), str(c["unchanged"]))
    table.add_row("total", str(report["created"]), str(report["updated"]), str(report["unchanged"]), style="bold")
    Console().print(table)


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="NDJSON records")],
    batch_size: Annotated[int | None, typer.Option(help="Records per write transaction (local import).")] = None,
    encoding: Annotated[str, typer.Option(help="The file's text encoding, e.g. gb18030.")] = "utf-8",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and say what would be created, updated, unchanged.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    url: Annotated[
        str | None,
        typer.Option(help="Import through the tracegraph server at this URL (POST /imports) instead of Neo4j."),
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="TRACEGRAPH_TOKEN", help="Bearer token sent to --url.", show_default=False)
    ] = None,
) -> None:
    """Import NDJSON records (contract/RECORDS.md): all or nothing, idempotent, errors with line numbers.
    The file is streamed: read line by line into an on-disk index, then written from it in batches, so memory
    does not grow with the file. With --url, the file goes to a server as an import job (gzip on the way)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise typer.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    show_progress = err.is_terminal and not as_json
    if url:
        if batch_size:
            raise typer.BadParameter("applies to a local import; the server uses its own", param_hint="--batch-size")
        report = _import_remotely(file, url, token, encoding, dry_run, show_progress)
    else:
        settings = get_settings()
        if batch_size:
            settings = settings.model_copy(update={"import_batch_size": batch_size})
        report = _import_locally(file, settings, encoding, dry_run, show_progress)
    _print_report(file, report, as_json)


@cli.command("load-initial")
def load_initial(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="NDJSON records")],
    instance: Annotated[str, typer.Option(help="The local Neo4j instance (ops/neo4j_local.py) to load.")] = "dev",
    port: Annotated[int, typer.Option(help="Its Bolt port.")] = 7687,
    heap: Annotated[str, typer.Option(help="The server's heap when it is started again.")] = "1g",
    pagecache: Annotated[str, typer.Option(help="The server's page cache when it is started again.")] = "1g",
    admin_heap: Annotated[str, typer.Option(help="The import tool's heap.")] = "2g",
    encoding: Annotated[str, typer.Option(help="The file's text encoding, e.g. gb18030.")] = "utf-8",
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as one JSON object.")] = False,
) -> None:
    """Load NDJSON records into an EMPTY local database with neo4j-admin's bulk import: the same validation as
    `import`, then CSV files, the import tool (the instance is stopped meanwhile), the schema and the derived
    state. Refuses a database that holds data. See ops/initial_load.py."""
    script = Path(__file__).resolve().parent.parent / "ops" / "initial_load.py"
    if not script.is_file():
        err.print(f"[red]the initial load needs the project's ops/ scripts ({script} not found)[/red]")
        raise typer.Exit(2)
    spec = importlib.util.spec_from_file_location("initial_load", script)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["initial_load"] = module  # before it runs: its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    status = module.run(file, instance, port, heap, pagecache, "60s", admin_heap, encoding, as_json)
    if status:
        raise typer.Exit(status)


def _epcis_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".jsonld"))
    return [path]


def _capture_files(files: list[Path], dry_run: bool, show_progress: bool) -> list[dict[str, Any]]:
    from graph.epcis.capture import CaptureRejected, capture

    async def work(graph: Graph) -> list[dict[str, Any]]:
        if not dry_run:
            await apply_schema(graph)
        reports = []
        for file in files:
            report: dict[str, Any] = {"file": str(file), "ok": False}
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                reports.append({**report, "errors": [{"pointer": "", "message": f"not a JSON document: {error}"}]})
                continue
            try:
                if show_progress:
                    with _bar() as bar:
                        outcome = await capture(graph, document, dry_run=dry_run, progress=_progress_on(bar))
                else:
                    outcome = await capture(graph, document, dry_run=dry_run)
            except CaptureRejected as rejected:
                reports.append(
                    {**report, "errors": [p.as_json() for p in rejected.problems], "errorCount": rejected.count}
                )
                continue
            records = outcome.records.as_json(str(file))["byType"] if outcome.records else {}
            reports.append(
                {
                    **report,
                    "ok": not outcome.errors,
                    "captureID": None if dry_run else outcome.capture_id,
                    "events": outcome.events,
                    "stored": outcome.stored,
                    "unchanged": outcome.unchanged,
                    "declared": outcome.declared,
                    "records": records,
                    "errors": outcome.errors,
                }
            )
        return reports

    return asyncio.run(_with_graph(work, writes=not dry_run))


@cli.command("capture")
def capture_command(
    path: Annotated[
        Path, typer.Argument(exists=True, readable=True, help="An EPCIS 2.0 JSON/JSON-LD document, or a directory")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and say how many events would be stored; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON, one object per file.")] = False,
) -> None:
    """Capture EPCIS 2.0 documents (contract/EPCIS.md), as POST /epcis/capture does: each validated whole against
    GS1's schema (a rejected document stores nothing), its new events stored, the graph derived from them through
    the import path. A directory: every .json / .jsonld file in it, in name order, one document each."""
    files = _epcis_files(path)
    reports = _capture_files(files, dry_run, err.is_terminal and not as_json)
    if as_json:
        for report in reports:
            typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        heads = ("events", "would store" if dry_run else "stored", "unchanged", "records created/updated")
        table = Table(
            "file", *heads, title=f"dry run of {path}: nothing was written" if dry_run else f"captured {path}"
        )
        for r in reports:
            if not r["ok"]:
                for e in r["errors"][:10]:
                    where = e.get("pointer", "") if isinstance(e, dict) else ""
                    message = e.get("message") or e.get("detail") if isinstance(e, dict) else str(e)
                    err.print(f"[red]{r['file']}{':' + where if where else ''}[/red]: {message}", highlight=False)
                continue
            changed = sum(c["created"] + c["updated"] for c in r["records"].values())
            table.add_row(r["file"], str(r["events"]), str(r["stored"]), str(r["unchanged"]), str(changed))
        Console().print(table)
    if not all(r["ok"] for r in reports):
        rejected = sum(not r["ok"] for r in reports)
        err.print(f"[bold red]{rejected} document(s) rejected; nothing of them was stored.[/bold red]")
        raise typer.Exit(1)


@cli.command()
def schema() -> None:
    """Bring the graph's schema up to date, as the server does at start-up: the constraints and indexes of
    cypher/schema/ that are missing, then the migrations (graph/migrations/) the graph has not had."""

    async def work(graph: Graph) -> tuple[list[migrations.Migration], list[migrations.Applied]]:
        return await migrations.upgrade(graph), await migrations.applied(graph)

    try:
        ran, versions = asyncio.run(_with_graph(work))
    except migrations.SchemaTooNew as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    latest = versions[-1].version if versions else 0
    typer.echo(f"schema: at version {latest}; {len(ran)} migration(s) applied now")


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


def _seconds(text: str) -> int:
    """A duration: seconds, or a number with s, m, h or d (8h, 30m)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    if not number.isdigit() or int(number) == 0:
        raise typer.BadParameter(f"{text!r} is not a duration such as 3600, 30m, 8h or 1d", param_hint="--ttl")
    return int(number) * units[unit]


@cli.command()
def token(
    role: Annotated[
        list[Role], typer.Option("--role", help="A role the token carries; repeat for several.", show_default=False)
    ],
    sub: Annotated[str, typer.Option("--sub", help="Who the token names: the subject every decision is signed by.")],
    enterprise: Annotated[
        list[str] | None,
        typer.Option("--enterprise", help="A data supplier's party (enterprise id); repeat for several."),
    ] = None,
    ttl: Annotated[str, typer.Option(help="How long it is valid: seconds, or 30m, 8h, 1d.")] = "8h",
) -> None:
    """Print a bearer token of the local issuer (AUTH_LOCAL_ISSUER), on one line: the token the local deployment
    accepts, for scripts (TRACEGRAPH_TOKEN), GraphiQL's header pane and curl (Authorization: Bearer ...)."""
    from api.local_issuer import LocalIssuer

    if not sub.strip():
        raise typer.BadParameter("must name someone", param_hint="--sub")
    issuer = LocalIssuer.of(get_settings())
    typer.echo(issuer.token(sub.strip(), [r.value for r in role], enterprise or (), ttl_s=_seconds(ttl)))


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
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
