"""Stage 1, parse: each line into a record model (graph.records), every fault an error naming its line and field;
then one record per identity."""

from __future__ import annotations

import difflib
import gc
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from graph import records as rec
from graph.ingest.report import Errors, Progress
from graph.ingest.rows import content_hash
from graph.ingest.source import SourceLine, Unreadable

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


PROGRESS_EVERY = 10_000  # lines between two progress reports while parsing


def parse_lines(
    lines: Iterable[SourceLine], errors: Errors, progress: Progress | None = None, total: int | None = None
) -> list[Parsed]:
    """Each line as a record model; `progress("validating", lines so far, total)` now and then."""
    with gc_paused():
        parsed: list[Parsed] = []
        number = 0
        for number, raw in enumerate(lines, start=1):
            if progress and number % PROGRESS_EVERY == 0:
                progress("validating", number, total)
            if isinstance(raw, Unreadable):
                errors.add(number, None, raw.reason)
            elif not isinstance(raw, str) or raw.strip():
                _parse(number, raw, parsed, errors)
        if progress:
            progress("validating", number, total)
        return parsed


def _parse(number: int, raw: str | Mapping[str, Any], parsed: list[Parsed], errors: Errors) -> None:
    try:
        record = _RECORD.validate_json(raw) if isinstance(raw, str) else _RECORD.validate_python(raw)
        parsed.append(Parsed(number, record))
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
        # Lines that refer to this record are not faults of their own (Errors.depends).
        if isinstance(data.get("type"), str) and isinstance(data.get("id"), str):
            errors.rejected.setdefault((data["type"], data["id"]), number)


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
