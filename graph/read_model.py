"""Read models: the typed values the read side returns, each field named once in Python and once in Cypher.

A read model is a dataclass declared with `@read_model`. Its snake_case fields are the camelCase keys of the map
its Cypher statements project (`produced_at` reads `producedAt`), and `from_row(cls, m)` reads such a map,
converting each value by the field's type:

- an enum from its value, a nested read model from its map, a list or tuple of them item by item;
- a `datetime` from the epoch milliseconds the graph stores instants as, under `<key>Ms` (`opened_at` reads
  `openedAtMs`);
- JSON text (how a node keeps lists of maps) is parsed first for a field typed as a dict, list, tuple or read model;
- a null or missing value gives the field's default, an empty list or tuple, or None when the type allows it;
  for any other field it is an error (KeyError).

A field whose key differs, or that needs a reading of its own, says so with `column(key=..., read=...)`; `ROW` as
the key hands the whole map to `read`. References to other nodes are ids named `<node>_id`.

Read models are built by keyword, so their fields can come in the order GraphQL shows them. They are plain (not
frozen) dataclasses because the GraphQL types extend them (api/gql/types.py) and a dataclass cannot extend a frozen
one; nothing changes them once read. Their annotations are resolved when the class is made, so a class that extends
one finds the types without importing their names.

The two shapes of a batched read (a DataLoader backend) are here too: rows by id in the order asked, and rows
grouped by parent.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

from graph.clock import from_ms
from graph.db import Graph

T = TypeVar("T")
MAX_PAGE = 1000  # the most items one page of a list returns (GraphQL `first`, the bulk feed's `limit`)
ROW = object()  # as a column's key: `read` gets the whole row
_ABSENT = object()


def column(key: Any = None, *, read: Callable[[Any], Any] | None = None, default: Any = dataclasses.MISSING) -> Any:
    """A field whose map key is not the camelCase of its name (`key`, or ROW for the whole row), or whose raw,
    non-null value `read` turns into the field's value."""
    return dataclasses.field(default=default, metadata={"key": key, "read": read})


@dataclass_transform(kw_only_default=True, field_specifiers=(dataclasses.field, column))
def read_model(cls: type[T]) -> type[T]:
    """Declare a read model: a dataclass, built by keyword, with its own annotations resolved to the types they
    name."""
    cls.__annotations__ = inspect.get_annotations(cls, eval_str=True)
    return dataclasses.dataclass(kw_only=True)(cls)


def from_row(cls: type[T], m: Mapping[str, Any]) -> T:
    """`cls` read from the map `m` (a Cypher map projection, a record, or a map parsed from JSON)."""
    values = {}
    for name, key, read, missing in _columns(cls):
        value = m if key is ROW else m.get(key, _ABSENT)
        if value is None or value is _ABSENT:
            if missing is None:
                raise KeyError(f"{cls.__name__}: {key!r} is missing or null in the row")
            value = missing()
        elif read is not None:
            value = read(value)
        values[name] = value
    return cls(**values)


def reader(cls: type[T], column: str | None = None) -> Callable[[Mapping[str, Any]], T]:
    """`from_row` for one class as a function of a row: of the map in `column`, or of the row itself."""
    if column is None:
        return lambda m: from_row(cls, m)
    return lambda r: from_row(cls, r[column])


def in_order(found: Iterable[T], ids: Sequence[str], key: Callable[[T], str] = attrgetter("id")) -> list[T | None]:
    """`found` lined up with `ids` by `key` (its id): None where an id has nothing."""
    by_key = {key(x): x for x in found}
    return [by_key.get(i) for i in ids]


def grouped(rows: Iterable[Any], ids: Sequence[str], make: Callable[[Any], T], parent: str = "parent") -> list[list[T]]:
    """Rows of many parents (each naming its parent's id under `parent`) made into items and grouped by parent,
    in the rows' order, lined up with `ids` (empty for a parent with none)."""
    by_parent: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        by_parent[row[parent]].append(make(row))
    return [by_parent.get(i, []) for i in ids]


async def read_by_id(
    graph: Graph, name: str, ids: Sequence[str], make: Callable[[Any], T], **params: Any
) -> list[T | None]:
    """One query for all ids (the statement takes `$ids`); the answer lines up with `ids`, None where an id is
    unknown. `make` builds an item, with an `id`, from a row."""
    return in_order(map(make, await graph.read(name, ids=list(set(ids)), **params)), ids)


async def read_grouped(
    graph: Graph, name: str, ids: Sequence[str], make: Callable[[Any], T], **params: Any
) -> list[list[T]]:
    """One query for the children of all parents (the statement takes `$ids` and returns `parent` per row)."""
    return grouped(await graph.read(name, ids=list(set(ids)), **params), ids, make)


Column = tuple[str, Any, Callable[[Any], Any] | None, Callable[[], Any] | None]
_plans: dict[type, list[Column]] = {}


def _columns(cls: type) -> list[Column]:
    """(field name, key, reader of a present value, value when null: None when the field is required), once per
    class."""
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = [_column(f) for f in dataclasses.fields(cls)]
    return plan


def _camel(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(word.capitalize() for word in rest)


def _column(f: dataclasses.Field) -> Column:
    tp = f.type
    optional = _is_optional(tp)
    if optional:
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    key = f.metadata.get("key") or _camel(f.name) + ("Ms" if tp is datetime else "")
    read = f.metadata.get("read") or _reader(tp)
    missing: Callable[[], Any] | None
    if f.default is not dataclasses.MISSING:
        missing = lambda d=f.default: d  # noqa: E731
    elif f.default_factory is not dataclasses.MISSING:
        missing = f.default_factory
    elif typing.get_origin(tp) in (list, tuple):
        missing = typing.get_origin(tp)
    elif optional:
        missing = _none
    else:
        missing = None
    return f.name, key, read, missing


def _none() -> None:
    return None


def _is_optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


def _parsed(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _reader(tp: Any) -> Callable[[Any], Any] | None:
    """How a present value becomes a value of type `tp`; None: as it is."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is datetime:
        return from_ms
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return lambda v: from_row(tp, _parsed(v))
    if origin is dict or tp is dict:
        return lambda v: dict(_parsed(v))
    if origin is tuple and args and args[-1] is not Ellipsis:  # a fixed-length tuple, e.g. tuple[str, int]
        parts = [_reader(a) for a in args]
        return lambda v: tuple(x if r is None else r(x) for r, x in zip(parts, _parsed(v), strict=True))
    if origin in (list, tuple):
        item = _reader(args[0]) if args else None
        if item is None:
            return lambda v: origin(_parsed(v))
        return lambda v: origin(map(item, _parsed(v)))
    return None
