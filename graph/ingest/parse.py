"""Stage 1, parse (pass 1 over the lines): each line into a record model (graph.records), every fault an error
naming its line and field; each valid record into the index (graph/ingest/index.py), which keeps one per identity."""

from __future__ import annotations

import asyncio
import difflib
import gc
import json
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from graph import records as rec
from graph.ingest.index import Entry, ImportIndex, entries
from graph.ingest.parties import fault
from graph.ingest.report import Errors, Progress
from graph.ingest.source import EpcisRecord, SourceLine, Unreadable
from graph.risk.channels import CHANNEL_MODELS
from graph.values import EPCIS_IDS

_RECORD = TypeAdapter(rec.Record)


def _field_of(loc: tuple[int | str, ...]) -> str | None:
    # loc starts with the union tag ("batch", ...) when the type was recognised; drop it.
    parts = list(loc[1:]) if loc and isinstance(loc[0], str) and loc[0] in rec.RECORD_TYPES else list(loc)
    # a signal's channel is a union too: its tag ("PRESS", ...) follows "channel" in loc; drop it as well
    parts = [p for i, p in enumerate(parts) if not (i and parts[i - 1] == "channel" and p in CHANNEL_MODELS)]
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


PROGRESS_EVERY = 10_000  # lines between two progress reports while parsing; also the lines of one chunk
# A large import is validated by worker processes (WORKERS, one per core) from this line on, this process
# only storing what they found: validation is pure Python, one core's worth, while the server waits. Worker
# processes start (about a second each, importing the record models) half-way to it, so that a small import
# (the tests', an API request's) never starts them.
PARALLEL_FROM_LINE = 60_000
WORKERS = max(1, min(4, os.cpu_count() or 1))  # 1: always in this process


async def parse_lines(
    lines: Iterable[SourceLine],
    index: ImportIndex,
    errors: Errors,
    progress: Progress | None = None,
    total: int | None = None,
    parties: frozenset[str] | None = None,
) -> int:
    """Validate each line into the index, a chunk of lines at a time (pass 1); `progress("validating", lines so
    far, total)` after each chunk; `parties`: a data supplier's, whose records alone it may import
    (graph/ingest/parties.py), None for any. Returns the number of lines.

    A chunk is read, validated and stored in a worker thread (in worker processes past PARALLEL_FROM_LINE): a
    server keeps answering while a large file is validated, and only a few chunks are in memory."""
    it = iter(lines)
    number = 0
    workers = WORKERS
    pool: ProcessPoolExecutor | None = None
    try:
        while True:
            if workers > 1 and pool is None and number >= PARALLEL_FROM_LINE // 2:
                pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
                for _ in range(workers):
                    pool.submit(_ready)  # start them now, while this process goes on
            if pool is not None and number >= PARALLEL_FROM_LINE:
                number = await _parse_in_workers(pool, workers, it, number, index, errors, progress, total, parties)
                break
            done = await asyncio.to_thread(_parse_chunk, it, number, index, errors, parties)
            if done == number:
                break
            number = done
            if progress and number % PROGRESS_EVERY == 0:
                progress("validating", number, total)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    if progress:
        progress("validating", number, total)
    return number


def _parse_chunk(
    lines: Iterator[SourceLine], number: int, index: ImportIndex, errors: Errors, parties: frozenset[str] | None
) -> int:
    with gc_paused():
        for raw in islice(lines, PROGRESS_EVERY):
            number += 1
            if isinstance(raw, Unreadable):
                errors.add(number, None, raw.reason)
            elif not isinstance(raw, str) or raw.strip():
                _parse(number, raw, index, errors, parties)
        index.flush()
    return number


# --- in worker processes ---------------------------------------------------------------------------------------------

Found = tuple[list[Entry], list[tuple[int, str | None, str]], list[tuple[str, str, int]]]  # entries, errors, refused


class _Pending:
    """A worker process's side of ImportIndex while it validates a chunk: the valid records and the refused ones."""

    def __init__(self) -> None:
        self.records: list[tuple[int, Any]] = []
        self.refused: list[tuple[str, str, int]] = []

    def add(self, line: int, record: Any) -> None:
        self.records.append((line, record))

    def reject(self, rtype: str, ident: str, line: int) -> None:
        self.refused.append((rtype, ident, line))


class _Faults:
    """A worker process's side of Errors: every error, in the order found."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str | None, str]] = []

    def add(self, line: int, field_name: str | None, message: str) -> None:
        self.items.append((line, field_name, message))


def _ready() -> None:
    """Nothing: a worker process that ran it has started and imported the record models."""


def validate_chunk(lines: list[tuple[int, SourceLine]], parties: frozenset[str] | None) -> Found:
    """In a worker process: each numbered line validated; the valid records as index entries."""
    pending, faults = _Pending(), _Faults()
    # No collection while a chunk is validated (it makes many acyclic objects; reference counting frees them); the
    # few cycles it made (errors) are collected after, from the youngest generation alone, where they all are.
    gc.disable()
    for number, raw in lines:
        _parse(number, raw, pending, faults, parties)  # type: ignore[arg-type]
    found = entries(pending.records), faults.items, pending.refused
    del pending
    gc.collect(0)
    return found


def _take(lines: Iterator[SourceLine], number: int) -> tuple[list[tuple[int, SourceLine]], list[tuple[int, str]], int]:
    """The next chunk of lines to validate, numbered (blank lines left out), the unreadable ones' numbers and
    reasons, and the number of the chunk's last line."""
    chunk: list[tuple[int, SourceLine]] = []
    unreadable: list[tuple[int, str]] = []
    for raw in islice(lines, PROGRESS_EVERY):
        number += 1
        if isinstance(raw, Unreadable):
            unreadable.append((number, raw.reason))
        elif not isinstance(raw, str):
            chunk.append((number, dict(raw)))  # a plain dict crosses to the worker process
        elif raw.strip():
            chunk.append((number, raw))
    return chunk, unreadable, number


async def _parse_in_workers(
    pool: ProcessPoolExecutor,
    workers: int,
    lines: Iterator[SourceLine],
    number: int,
    index: ImportIndex,
    errors: Errors,
    progress: Progress | None,
    total: int | None,
    parties: frozenset[str] | None,
) -> int:
    """The remaining lines validated by the pool's processes, a chunk each and one more waiting, stored here in
    line order (errors, refused records and entries alike, so that the outcome is the inline one's)."""
    loop = asyncio.get_running_loop()
    in_flight: deque[tuple[asyncio.Future[Found], list[tuple[int, str]], int]] = deque()
    exhausted = False
    while True:
        while not exhausted and len(in_flight) <= workers:
            chunk, unreadable, last = await asyncio.to_thread(_take, lines, number)
            if last == number:
                exhausted = True
                break
            number = last
            in_flight.append((loop.run_in_executor(pool, validate_chunk, chunk, parties), unreadable, last))
        if not in_flight:
            return number
        future, unreadable, last = in_flight.popleft()
        stored, found, refused = await future
        for line, field_name, message in sorted([*((n, None, r) for n, r in unreadable), *found], key=_line):
            errors.add(line, field_name, message)
        await asyncio.to_thread(_store, index, stored, refused)
        if progress and last % PROGRESS_EVERY == 0:
            progress("validating", last, total)


def _line(error: tuple[int, str | None, str]) -> int:
    return error[0]


def _store(index: ImportIndex, stored: list[Entry], refused: list[tuple[str, str, int]]) -> None:
    with gc_paused():
        for rtype, ident, line in refused:
            index.reject(rtype, ident, line)
        index.store(stored)


def _parse(
    number: int, raw: str | Mapping[str, Any], index: ImportIndex, errors: Errors, parties: frozenset[str] | None
) -> None:
    try:
        if isinstance(raw, str):  # records mapped from EPCIS events carry EPCIS's ids (graph/values.py EPCIS_IDS)
            record = _RECORD.validate_json(raw, context=EPCIS_IDS if isinstance(raw, EpcisRecord) else None)
        else:
            record = _RECORD.validate_python(raw)
    except ValidationError as err:
        data = _as_object(raw)
        for e in err.errors(include_url=False):
            kind, loc = e["type"], e["loc"]
            if kind in ("union_tag_invalid", "union_tag_not_found"):
                errors.add(number, "type", _type_message(data))
            elif kind == "json_invalid":
                errors.add(number, None, f"not valid JSON: {e['msg'].removeprefix('Invalid JSON: ')}")
            elif kind in ("dict_type", "model_type", "model_attributes_type") and not loc:
                errors.add(number, None, "each line must be a JSON object")
            elif kind == "extra_forbidden":
                errors.add(number, _field_of(loc), _unknown_field(loc))
            else:
                message = e["msg"].removeprefix("Value error, ")
                if kind.endswith("_type") or kind.endswith("_parsing"):
                    message += f", got {_shown(e['input'])}"
                errors.add(number, _field_of(loc), message)
        # Lines that refer to this record are not faults of their own (ImportIndex.depend).
        if isinstance(data.get("type"), str) and isinstance(data.get("id"), str):
            index.reject(data["type"], data["id"], number)
    else:
        if parties is not None and (refused := fault(record, parties)) is not None:
            errors.add(number, *refused)
            if (ident := getattr(record, "id", None)) is not None:  # lines that refer to it: not faults of their own
                index.reject(record.type, ident, number)
            return
        index.add(number, record)


def _as_object(raw: str | Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, str):
        return dict(raw)
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _shown(value: Any) -> str:
    """A value as the error message shows what the supplier sent: its JSON kind and text."""
    kinds = {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False)
    return f"{kinds.get(type(value), 'the value')} {text if len(text) <= 60 else text[:57] + '...'}"


def _unknown_field(loc: tuple[int | str, ...]) -> str:
    name = str(loc[-1])
    known = _fields_at(loc[:-1])
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else (f" (known: {', '.join(known)})" if known else "")
    return f"unknown field {name!r}{hint}"


def _fields_at(path: tuple[int | str, ...]) -> list[str]:
    """The wire names of the fields of the model at `path` (a union tag, then fields and list indexes)."""
    if not path or not isinstance(path[0], str) or path[0] not in rec.RECORD_TYPES:
        return []
    model: type[BaseModel] | None = rec.RECORD_TYPES[path[0]]
    for part in path[1:]:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        if part in CHANNEL_MODELS:  # the channel union's tag: the model it names
            model = CHANNEL_MODELS[part]
            continue
        found = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        model = _model_in(found.annotation) if found else None
    return [f.alias or n for n, f in model.model_fields.items()] if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _model_in(a))), None)


def _type_message(data: dict[str, Any]) -> str:
    known = ", ".join(rec.RECORD_TYPES)
    value = data.get("type")
    if value is None:
        return f'missing "type" (one of {known})'
    return f"unknown record type {value!r} (one of {known})"
