"""Search for investigators: enterprises by name, USCC or id prefix; persons by name; batches by product, producer
and production dates; shipments by declaration number. Each answer is a page in id order with an opaque cursor
(the last id): a page never repeats nor skips a match that existed when the first page was read, also while
records are written between pages (a match written since shows up only if its id sorts after the cursor).

The text is a Cypher parameter used with CONTAINS / STARTS WITH, never Lucene query text: nothing to escape."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta

from graph.db import Graph
from graph.errors import BadInput, check_range
from graph.read_model import MAX_PAGE, column, read_by_id, read_model, reader
from graph.values import parse_instant

MAX_TEXT = 200
CURSOR_PREFIX = "search:"


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, argument: str = "after") -> str | None:
    """The last id a cursor stands for (None for no cursor); BadInput naming `argument` when it is not one of ours."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(CURSOR_PREFIX) and len(text) > len(CURSOR_PREFIX):
            return text[len(CURSOR_PREFIX) :]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page, or omit it")


@dataclass(frozen=True)
class Page:
    ids: list[str]
    end_cursor: str | None  # the cursor given when the page is empty
    has_next_page: bool


ROLES: dict[str, str] = {
    "LEGAL_REPRESENTATIVE_OF": "LEGAL_REPRESENTATIVE",
    "OFFICER_OF": "OFFICER",
    "SHAREHOLDER_OF": "SHAREHOLDER",
}


@read_model
class PersonSeat:
    enterprise_id: str = column("enterprise")
    role: str = column(read=lambda rel: ROLES[rel])  # LEGAL_REPRESENTATIVE, OFFICER or SHAREHOLDER
    share: float | None


@read_model
class PersonRecord:
    id: str
    name: str
    seats: list[PersonSeat]  # by enterprise id, then role


def _text(argument: str, text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise BadInput(argument, "must not be blank")
    if len(stripped) > MAX_TEXT:
        raise BadInput(argument, f"at most {MAX_TEXT} characters, got {len(stripped)}")
    return stripped


async def _page(graph: Graph, name: str, first: int, after: str | None, **params: object) -> Page:
    check_range("first", first, 1, MAX_PAGE)
    last = decode_cursor(after)
    rows = await graph.read(f"search/{name}", after=last, limit=first + 1, **params)
    ids = [r["id"] for r in rows[:first]]
    return Page(ids, encode_cursor(ids[-1]) if ids else after, len(rows) > first)


async def enterprises(graph: Graph, text: str, first: int = 100, after: str | None = None) -> Page:
    """Name contains the text (Chinese as given, Latin in any case), USCC equals it, or id starts with it."""
    wanted = _text("text", text)
    return await _page(graph, "enterprises", first, after, text=wanted, lower=wanted.lower(), uscc=wanted.upper())


async def persons(graph: Graph, text: str, first: int = 100, after: str | None = None) -> Page:
    wanted = _text("text", text)
    return await _page(graph, "persons", first, after, text=wanted, lower=wanted.lower())


def _instant_ms(argument: str, value: str | None, end_of_day: bool) -> int | None:
    if value is None:
        return None
    try:
        moment = parse_instant(value)
    except ValueError:
        raise BadInput(argument, f"{value!r} is not an ISO 8601 date or date-time (e.g. 2026-03-01)") from None
    if end_of_day and "T" not in value and " " not in value:
        moment += timedelta(days=1) - timedelta(milliseconds=1)  # a date as upper bound includes that day
    return int(moment.timestamp() * 1000)


async def batches(
    graph: Graph,
    product: str | None = None,
    producer: str | None = None,
    produced_from: str | None = None,
    produced_to: str | None = None,
    first: int = 100,
    after: str | None = None,
) -> Page:
    """Batches matching every criterion given (none given: every batch), both dates inclusive."""
    from_ms = _instant_ms("producedFrom", produced_from, end_of_day=False)
    to_ms = _instant_ms("producedTo", produced_to, end_of_day=True)
    if from_ms is not None and to_ms is not None and from_ms > to_ms:
        raise BadInput("producedTo", f"{produced_to!r} is before producedFrom {produced_from!r}")
    return await _page(graph, "batches", first, after, product=product, producer=producer, fromMs=from_ms, toMs=to_ms)


async def shipments(graph: Graph, declaration: str, first: int = 100, after: str | None = None) -> Page:
    """Shipments whose declaration number starts with `declaration`."""
    return await _page(graph, "shipments", first, after, declaration=_text("declaration", declaration))


async def persons_by_id(graph: Graph, ids: list[str], limit: int = 100) -> list[PersonRecord | None]:
    """Each person with the enterprises it sits in (by enterprise id, then role), None where an id is unknown."""
    check_range("first", limit, 1, MAX_PAGE)
    return await read_by_id(graph, "search/person_seats", ids, reader(PersonRecord), limit=limit)
