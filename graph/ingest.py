"""Bulk import of contract/RECORDS.md records: validate everything, then write in UNWIND batches.

Guarantees (RECORDS.md "Import semantics"):
- any invalid line: nothing is written, and every error names its line, field and reason;
- references may point anywhere in the import or at the graph, in any order of lines;
- writes are MERGEs on ids under uniqueness constraints, so a repeated or interrupted import re-runs to
  completion with nothing duplicated; a content hash per record tells created / updated / unchanged.

The write runs in two passes: every node first (so a reference to a later line resolves), then every
relationship. The relationship pass always runs for every record, so a re-run after a fault between
the passes completes the missing relationships.
"""

from __future__ import annotations

import asyncio
import codecs
import gc
import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from itertools import islice
from typing import Any, BinaryIO

from pydantic import TypeAdapter, ValidationError

from graph import contagion, credit
from graph import records as rec
from graph.clock import now_ms
from graph.db import Graph
from graph.records import CreditGrade, LinkKind, parse_instant
from graph.risk import signals

MAX_REPORTED_ERRORS = 1000

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
RELATION_TYPES = ("batch",)
LINK_REL_TYPES = {
    LinkKind.SHAREHOLDER: "SHAREHOLDER_OF",
    LinkKind.LEGAL_REPRESENTATIVE: "LEGAL_REPRESENTATIVE_OF",
    LinkKind.OFFICER: "OFFICER_OF",
}

_RECORD = TypeAdapter(rec.Record)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class ImportIssue:
    line: int
    field: str | None
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, created: int, updated: int, unchanged: int) -> None:
        self.created += created
        self.updated += updated
        self.unchanged += unchanged


@dataclass
class ImportReport:
    errors: list[ImportIssue] = field(default_factory=list)
    by_type: dict[str, Counts] = field(default_factory=dict)
    error_count: int = 0  # all errors found; `errors` holds at most MAX_REPORTED_ERRORS of them

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.by_type.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.by_type.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.by_type.values())


@dataclass(frozen=True)
class Parsed:
    line: int
    record: Any  # one of the graph.records models


class _Errors:
    def __init__(self) -> None:
        self.items: list[ImportIssue] = []
        self.count = 0

    def add(self, line: int, field_name: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(ImportIssue(line, field_name, message))


# --- parsing -----------------------------------------------------------------------------------


def _field_of(loc: tuple[int | str, ...]) -> str | None:
    # loc starts with the union tag ("batch", ...) when the type was recognised; drop it.
    parts = list(loc[1:]) if loc and isinstance(loc[0], str) and loc[0] in rec.RECORD_TYPES else list(loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


class _GcPause:
    """Pauses Python's cyclic GC around synchronous stretches of an import.

    An import builds hundreds of thousands of small, acyclic objects, and the cyclic GC would rescan them over and
    over (half of the Python time of a large import). Reference counting still frees them. The collector's state
    before the first pause comes back when the last pause ends, whatever the order in which overlapping pauses
    (server requests, threads) end. Only code without `await` runs paused, so a pause lasts one parse or one
    chunk's rows, never a whole import that other requests would run under."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._resume:
                    gc.enable()


gc_paused = _GcPause()


def ndjson_lines(text: str) -> Iterator[str]:
    """The lines of NDJSON text, split at LF (or CRLF) only: JSON strings may hold U+2028, U+0085 or a form
    feed, which str.splitlines() would also split at, breaking the record and every later line number."""
    for line in text.split("\n"):
        yield line.removesuffix("\r")


@dataclass(frozen=True)
class Unreadable:
    """A line of a file that could not be decoded: reported as that line's error, never a traceback."""

    reason: str


def file_lines(stream: BinaryIO, encoding: str = "utf-8") -> Iterator[str | Unreadable]:
    """The lines of an NDJSON file, decoded one at a time (the file's text is never held whole). Split at LF only,
    as ndjson_lines; a UTF-8 byte-order mark at the start is dropped."""
    for number, raw in enumerate(stream, start=1):
        data = raw.removesuffix(b"\n").removesuffix(b"\r")
        if number == 1 and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
            data = data.removeprefix(codecs.BOM_UTF8)
        try:
            yield data.decode(encoding)
        except UnicodeDecodeError as err:
            hint = " (a GB18030/GBK file? pass --encoding gb18030)" if encoding.lower() in ("utf-8", "utf8") else ""
            yield Unreadable(f"not valid {encoding} at byte {err.start + 1}{hint}")


def parse_lines(lines: Iterable[str | Unreadable], errors: _Errors) -> list[Parsed]:
    with gc_paused():
        return _parse_lines(lines, errors)


def _parse_lines(lines: Iterable[str | Unreadable], errors: _Errors) -> list[Parsed]:
    parsed: list[Parsed] = []
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, Unreadable):
            errors.add(number, None, raw.reason)
            continue
        if not raw.strip():
            continue
        try:
            parsed.append(Parsed(number, _RECORD.validate_json(raw)))
        except ValidationError as err:
            for e in err.errors(include_url=False):
                kind = e["type"]
                if kind in ("union_tag_invalid", "union_tag_not_found"):
                    errors.add(number, "type", _type_message(raw))
                elif kind == "json_invalid":
                    errors.add(number, None, f"not valid JSON: {e['msg'].removeprefix('Invalid JSON: ')}")
                elif kind in ("dict_type", "model_type", "model_attributes_type") and not e["loc"]:
                    errors.add(number, None, "each line must be a JSON object")
                else:
                    errors.add(number, _field_of(e["loc"]), e["msg"].removeprefix("Value error, "))
    return parsed


def _type_message(raw: str) -> str:
    known = ", ".join(rec.RECORD_TYPES)
    try:
        value = json.loads(raw).get("type")
    except (ValueError, AttributeError):
        value = None
    if value is None:
        return f'missing "type" (one of {known})'
    return f"unknown record type {value!r} (one of {known})"


# --- references and cycles ---------------------------------------------------------------------


def _identity(record: Any) -> Any:
    return record.identity if record.type == "link" else record.id


def _describe(record: Any) -> str:
    if record.type == "link":
        kind, holder, to = record.identity
        return f"link {kind} {holder!r} -> {to!r}"
    return f"{record.type} {record.id!r}"


def _latest(parsed: list[Parsed], errors: _Errors) -> dict[str, dict[Any, Parsed]]:
    """Per type, one line for each identity. A record stated twice with the same content is one record; with
    different content it is an error naming both lines, since which one the supplier meant is unknowable."""
    latest: dict[str, dict[Any, Parsed]] = defaultdict(dict)
    for p in parsed:
        bucket = latest[p.record.type]
        key = _identity(p.record)
        first = bucket.get(key)
        if first is None:
            bucket[key] = p
        elif _hash(first.record) != _hash(p.record):
            errors.add(
                p.line,
                "id" if p.record.type != "link" else None,
                f"{_describe(p.record)} is also on line {first.line} with different content; "
                "state each record once per import",
            )
    return latest


# (record type, field path, target kind, getter) for every reference a record makes
def _references(record: Any) -> Iterator[tuple[str, str, str]]:
    match record:
        case rec.Batch():
            yield "product", "product", record.product
            yield "producer", "enterprise", record.producer
            for i, item in enumerate(record.inputs):
                yield f"inputs[{i}].batch", "batch", item.batch
        case rec.Shipment():
            yield "batch", "batch", record.batch
            yield "from", "enterprise", record.from_
            yield "to", "enterprise", record.to
        case rec.TestReport():
            yield "lab", "lab", record.lab
            yield "batch", "batch", record.batch
        case rec.Blacklist():
            yield "enterprise", "enterprise", record.enterprise
            if record.agency is not None:
                yield "agency", "agency", record.agency
        case rec.Link():
            yield "to", "enterprise", record.to
        case rec.RiskSignal():
            yield f"subject.{record.subject.kind}", record.subject.kind, record.subject.ref


# Record types that other records refer to; a type and the kind of reference share a name.
_REFERABLE = ("enterprise", "person", "product", "batch", "lab", "agency")


@dataclass(frozen=True)
class _Known:
    existing_batches: set[str]  # batches of this import or referenced by it that the graph already has
    persons: set[str]  # every person id known in the import or the graph (decides a link holder's label)


async def _check_references(graph: Graph, latest: dict[str, dict[Any, Parsed]], errors: _Errors) -> _Known:
    """Report every dangling reference; return what the graph already knows that the writes need."""
    in_file: dict[str, set[str]] = {kind: set(latest.get(kind, {})) for kind in _REFERABLE}

    wanted: dict[str, set[str]] = {kind: set() for kind in in_file}
    for bucket in latest.values():
        for p in bucket.values():
            for _, kind, ident in _references(p.record):
                wanted[kind].add(ident)
            if isinstance(p.record, rec.Link):
                wanted["person"].add(p.record.from_)
                wanted["enterprise"].add(p.record.from_)
    # Batches of this import that already exist matter for the cycle check, so ask for them too.
    wanted["batch"] |= in_file["batch"]

    row = (
        await graph.read(
            "ingest/existing_ids",
            enterprises=sorted(wanted["enterprise"]),
            persons=sorted(wanted["person"]),
            products=sorted(wanted["product"]),
            batches=sorted(wanted["batch"]),
            labs=sorted(wanted["lab"]),
            agencies=sorted(wanted["agency"]),
        )
    )[0]
    in_graph = {
        "enterprise": set(row["enterprises"]),
        "person": set(row["persons"]),
        "product": set(row["products"]),
        "batch": set(row["batches"]),
        "lab": set(row["labs"]),
        "agency": set(row["agencies"]),
    }

    def known(kind: str, ident: str) -> bool:
        return ident in in_file[kind] or ident in in_graph[kind]

    for bucket in latest.values():
        for p in bucket.values():
            for field_name, kind, ident in _references(p.record):
                if not known(kind, ident):
                    errors.add(p.line, field_name, f"{kind} {ident!r} is not in this import nor in the graph")
            if isinstance(p.record, rec.Link):
                _check_link_holder(p, known, errors)
    return _Known(in_graph["batch"], in_file["person"] | in_graph["person"])


def _check_link_holder(p: Parsed, known: Callable[[str, str], bool], errors: _Errors) -> None:
    link: rec.Link = p.record
    is_person, is_enterprise = known("person", link.from_), known("enterprise", link.from_)
    if link.kind != LinkKind.SHAREHOLDER:
        if not is_person:
            errors.add(
                p.line,
                "from",
                f"person {link.from_!r} is not in this import nor in the graph ({link.kind} links start at a person)",
            )
    elif is_person and is_enterprise:
        errors.add(p.line, "from", f"{link.from_!r} names both a person and an enterprise; it is ambiguous")
    elif not (is_person or is_enterprise):
        errors.add(
            p.line, "from", f"{link.from_!r} is neither a person nor an enterprise in this import or in the graph"
        )
    if link.from_ == link.to and is_enterprise:
        errors.add(p.line, "to", "an enterprise cannot hold shares of itself")


async def _check_cycles(graph: Graph, batches: dict[Any, Parsed], existing: set[str], errors: _Errors) -> None:
    """A batch may not be its own ancestor, counting the import's inputs and the graph's INPUT_TO edges."""
    sorter: TopologicalSorter[str] = TopologicalSorter()
    endpoints: set[str] = set()
    for p in batches.values():
        for item in p.record.inputs:
            sorter.add(p.record.id, item.batch)  # the input comes before its output
            endpoints |= {p.record.id, item.batch}
    touching_graph = sorted(endpoints & existing)
    if len(touching_graph) > 1:
        # The graph's edges into a batch of this import are replaced by its inputs above: leave them out.
        restated = sorted(p.record.id for p in batches.values())
        for row in await graph.read("ingest/reachable_batches", ids=touching_graph, restated=restated):
            sorter.add(row["to"], row["from"])
    try:
        sorter.prepare()
    except CycleError as err:
        cycle: list[str] = err.args[1]
        culprit = next((batches[b] for b in cycle if b in batches), None)
        path = " -> ".join(reversed(cycle))
        errors.add(
            culprit.line if culprit else 0, "inputs", f"a batch may not be its own ancestor: INPUT_TO cycle {path}"
        )


# --- rows for Cypher ---------------------------------------------------------------------------


def _hash(record: Any) -> str:
    """The record's content: the same for the same values, whatever the key order or spacing of the line."""
    canonical = record.model_dump_json(by_alias=True, exclude_none=True)  # fields in model order
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def _epoch_ms(value: str | None) -> int | None:
    return None if value is None else int(parse_instant(value).timestamp() * 1000)


def node_row(record: Any) -> dict[str, Any]:
    """The node's properties: what the record says, in Neo4j-storable form (no maps or lists of maps)."""
    match record:
        case rec.Enterprise():
            props = {
                "name": record.name,
                "roles": list(record.roles),
                "country": record.country,
                "region": record.region,
                "uscc": record.uscc,
                "declaredGrade": record.creditGrade or CreditGrade.REGULAR.value,
            }
        case rec.Batch():
            props = {
                "quantity": record.quantity,
                "unit": record.unit,
                "producedAt": record.producedAt,
                "producedAtMs": _epoch_ms(record.producedAt),
                "originCountry": record.originCountry,
            }
        case rec.Shipment():
            props = {
                "quantity": record.quantity,
                "shippedAt": record.shippedAt,
                "shippedAtMs": _epoch_ms(record.shippedAt),
                "direction": record.direction,
                "port": record.port,
                "declaration": record.declaration,
            }
        case rec.TestReport():
            props = {
                "result": record.result,
                "testedAt": record.testedAt,
                "testedAtMs": _epoch_ms(record.testedAt),
                "items": json.dumps(
                    [i.model_dump(by_alias=True, exclude_none=True) for i in record.items], ensure_ascii=False
                ),
            }
        case rec.Lab():
            props = {
                "name": record.name,
                "accreditation": record.accreditation,
                "recognized": record.recognized,
                "status": record.status,
                "statusSince": record.statusSince,
            }
        case rec.Blacklist():
            props = {
                "reason": record.reason,
                "listedAt": record.listedAt,
                "listedAtMs": _epoch_ms(record.listedAt),
                "expiresAt": record.expiresAt,
                "expiresAtMs": _epoch_ms(record.expiresAt),
                "serious": record.serious,
            }
        case rec.RiskSignal():
            props = {
                "source": record.source,
                "hazard": record.hazard,
                "severity": record.severity,
                "probability": record.probability,
                "receivedAt": record.receivedAt,
                "receivedAtMs": _epoch_ms(record.receivedAt),
                "description": record.description,
                "subjectKind": record.subject.kind,
                "subjectId": record.subject.ref,
            }
        case _:
            props = record.model_dump(exclude={"type", "id"}, exclude_none=True)
    row = {"id": record.id, "hash": _hash(record), "props": {k: v for k, v in props.items() if v is not None}}
    if isinstance(record, rec.Lab):
        row["statusSinceMs"] = _epoch_ms(record.statusSince)
    return row


def upsert_row(record: Any) -> dict[str, Any]:
    """The node's row, with the references its upsert statement links (all to nodes of earlier types)."""
    row = node_row(record)
    if isinstance(record, rec.Batch | rec.Shipment | rec.TestReport | rec.Blacklist | rec.RiskSignal):
        row.update({k: v for k, v in relation_row(record).items() if k not in ("id", "inputs")})
    return row


def relation_row(record: Any) -> dict[str, Any]:
    match record:
        case rec.Batch():
            return {
                "id": record.id,
                "product": record.product,
                "producer": record.producer,
                "inputs": [{"batch": i.batch, "quantity": i.quantity} for i in record.inputs],
            }
        case rec.Shipment():
            return {"id": record.id, "batch": record.batch, "from": record.from_, "to": record.to}
        case rec.TestReport():
            return {"id": record.id, "lab": record.lab, "batch": record.batch}
        case rec.Blacklist():
            return {
                "id": record.id,
                "enterprise": record.enterprise,
                "agency": record.agency,
                "serious": record.serious,
            }
        case rec.RiskSignal():
            s = record.subject
            return {
                "id": record.id,
                "subjectBatch": s.batch,
                "subjectProduct": s.product,
                "subjectEnterprise": s.enterprise,
            }
    raise TypeError(f"no relationships for {type(record).__name__}")


def link_row(link: rec.Link, holder_is_person: bool) -> dict[str, Any]:
    return {
        "relType": LINK_REL_TYPES[LinkKind(link.kind)],
        "to": link.to,
        "share": link.share,
        "fromPerson": link.from_ if holder_is_person else None,
        "fromEnterprise": None if holder_is_person else link.from_,
    }


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """itertools.batched arrives in Python 3.12; the service supports 3.11."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# --- the import --------------------------------------------------------------------------------


async def _write_chunks(
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


async def import_lines(
    graph: Graph, lines: Iterable[str | Unreadable], progress: Progress | None = None
) -> ImportReport:
    """Validate all lines; if every line is valid, write them. See the module docstring."""
    errors = _Errors()
    parsed = parse_lines(lines, errors)
    latest = _latest(parsed, errors)
    known = await _check_references(graph, latest, errors)
    if errors.count == 0:  # a cycle check over dangling references would only add noise
        await _check_cycles(graph, latest.get("batch", {}), known.existing_batches, errors)
    report = ImportReport(errors=sorted(errors.items, key=lambda e: e.line), error_count=errors.count)
    if errors.count:
        return report

    # one unit per record written, per record related, and per derived stage (ties, grades)
    total = sum(len(b) for b in latest.values()) + sum(len(latest.get(t, {})) for t in RELATION_TYPES) + 2
    done = 0

    def step(stage: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    # Enterprises whose grade the import may have changed (a declared grade is found by the credit sweep).
    graded: set[str] = {p.record.enterprise for p in latest.get("blacklist", {}).values()}
    for rtype in NODE_TYPES:
        records = [p.record for p in latest.get(rtype, {}).values()]
        if not records:
            continue
        counts = report.by_type.setdefault(rtype, Counts())

        def tally(row: Any, counts: Counts = counts) -> None:
            counts.add(row["created"], row["updated"], row["unchanged"])
            graded.update(row.get("movedFrom") or ())

        await _write_chunks(
            graph,
            f"ingest/upsert_{rtype}",
            records,
            lambda c: [upsert_row(r) for r in c],
            tally,
            f"writing {rtype}",
            step,
        )

    for rtype in RELATION_TYPES:
        records = [p.record for p in latest.get(rtype, {}).values()]
        await _write_chunks(
            graph,
            f"ingest/relate_{rtype}",
            records,
            lambda c: [relation_row(r) for r in c],
            None,
            f"linking {rtype}",
            step,
        )

    links = [p.record for p in latest.get("link", {}).values()]
    if links:
        counts = report.by_type.setdefault("link", Counts())
        await _write_chunks(
            graph,
            "ingest/upsert_link",
            links,
            lambda c: [link_row(r, holder_is_person=r.from_ in known.persons) for r in c],
            lambda row: counts.add(row["created"], row["updated"], row["unchanged"]),
            "writing link",
            step,
        )

    # Derived state last. What it must redo is marked in the graph by the writes above (ties) or found from the
    # graph (grades), so a re-run after a fault anywhere completes it.
    await contagion.refresh_pending_ties(graph)
    step("refreshing contagion ties", 1)
    await credit.sweep(graph, also=graded)
    step("evaluating credit grades", 1)
    failed = [p.record.id for p in latest.get("test_report", {}).values() if p.record.result == "FAIL"]
    await signals.raise_lab_failures(graph, failed)
    return report
