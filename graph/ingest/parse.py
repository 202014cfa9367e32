"""Stage 1, parse: each line into a record model (graph.records), every fault an error naming its line and field;
then one record per identity."""

from __future__ import annotations

import gc
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from graph import records as rec
from graph.ingest.report import Errors
from graph.ingest.rows import content_hash
from graph.ingest.source import Unreadable

_RECORD = TypeAdapter(rec.Record)

Latest = dict[str, dict[Any, "Parsed"]]  # per record type, the record of each identity


@dataclass(frozen=True)
class Parsed:
    line: int
    record: Any  # one of the graph.records models


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


def parse_lines(lines: Iterable[str | Unreadable], errors: Errors) -> list[Parsed]:
    with gc_paused():
        return _parse_lines(lines, errors)


def _parse_lines(lines: Iterable[str | Unreadable], errors: Errors) -> list[Parsed]:
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


def _identity(record: Any) -> Any:
    return record.identity if record.type == "link" else record.id


def _describe(record: Any) -> str:
    if record.type == "link":
        kind, holder, to = record.identity
        return f"link {kind} {holder!r} -> {to!r}"
    return f"{record.type} {record.id!r}"


def unique(parsed: list[Parsed], errors: Errors) -> Latest:
    """Per type, one line for each identity. A record stated twice with the same content is one record; with
    different content it is an error naming both lines, since which one the supplier meant is unknowable."""
    latest: Latest = defaultdict(dict)
    for p in parsed:
        bucket = latest[p.record.type]
        key = _identity(p.record)
        first = bucket.get(key)
        if first is None:
            bucket[key] = p
        elif content_hash(first.record) != content_hash(p.record):
            errors.add(
                p.line,
                "id" if p.record.type != "link" else None,
                f"{_describe(p.record)} is also on line {first.line} with different content; "
                "state each record once per import",
            )
    return latest
