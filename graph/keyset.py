"""Keyset cursors of the navigation lists (graph/lookup.py, cypher/nav/): a cursor names its list and holds the
sort key of the last item of a page, so the next page is "the items whose key comes after it". Unlike an offset,
such a cursor stays good when items are written between pages: an item inserted before it never shifts the next
page, and every item there before is seen once.

A cursor is opaque to clients (URL-safe base64 of JSON). A key's parts are a list's sort values, each a string or
a number (`Shape`); a cursor that is not of this list or not of its shape is BadInput naming the argument."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from graph.errors import BadInput

Key = tuple[str | int | float, ...]
Shape = tuple[type, ...]  # of each part of the key: str, int or float (an int is a float too)


def encode_cursor(list_name: str, key: Sequence[Any]) -> str:
    text = json.dumps([list_name, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(list_name: str, cursor: str | None, shape: Shape, argument: str = "after") -> Key | None:
    """The key a cursor of `list_name` holds (None for no cursor)."""
    if cursor is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        parts = None
    if not isinstance(parts, list) or not parts or parts[0] != list_name:
        raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page of this list")
    key = tuple(parts[1:])
    if len(key) != len(shape) or not all(_fits(part, kind) for part, kind in zip(key, shape, strict=True)):
        raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page of this list")
    return key


def _fits(part: Any, kind: type) -> bool:
    if isinstance(part, bool):
        return False
    if kind is float:
        return isinstance(part, int | float)
    return isinstance(part, kind)
