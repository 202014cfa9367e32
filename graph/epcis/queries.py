"""The SimpleEventQuery of GET /epcis/events (contract/EPCIS.md section 2): its parameters read into the filters of
cypher/epcis/query_events.cypher, one page at a time with an opaque keyset token."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Graph
from graph.epcis import identifiers as ids
from graph.epcis.events import EVENT_TYPES, instant_ms, iso_ms
from graph.epcis.vocabulary import bare
from graph.errors import DomainError

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000


class QueryParameterError(DomainError):
    """A bad query parameter (epcisException:QueryParameterException)."""

    code = "EPCIS_QUERY_PARAMETER"

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


# parameter -> the statement's filter, and how a value is read
_LISTS: dict[str, tuple[str, str]] = {
    "eventType": ("types", "eventType"),
    "EQ_action": ("actions", "action"),
    "EQ_bizStep": ("bizSteps", "vocabulary"),
    "EQ_disposition": ("dispositions", "vocabulary"),
    "EQ_bizLocation": ("bizLocations", "identity"),
    "EQ_readPoint": ("readPoints", "identity"),
    "EQ_eventID": ("eventIDs", "text"),
    "EQ_transformationID": ("transformationIDs", "text"),
    "MATCH_epc": ("epc", "match"),
    "MATCH_parentID": ("parent", "match"),
    "MATCH_inputEPC": ("inputEpc", "match"),
    "MATCH_outputEPC": ("outputEpc", "match"),
    "MATCH_anyEPC": ("anyEpc", "match"),
    "MATCH_epcClass": ("epcClass", "match"),
    "MATCH_inputEPCClass": ("inputEpcClass", "match"),
    "MATCH_outputEPCClass": ("outputEpcClass", "match"),
    "MATCH_anyEPCClass": ("anyEpcClass", "match"),
}
_INSTANTS = {
    "GE_eventTime": "geEventTime",
    "LT_eventTime": "ltEventTime",
    "GE_recordTime": "geRecordTime",
    "LT_recordTime": "ltRecordTime",
}
_PAGING = ("perPage", "nextPageToken", "orderBy", "orderDirection", "eventCountLimit")
KNOWN = (*_LISTS, *_INSTANTS, "EXISTS_errorDeclaration", *_PAGING)


def _value(kind: str, parameter: str, text: str) -> str:
    if not text:
        raise QueryParameterError(parameter, "an empty value")
    match kind:
        case "eventType":
            if text not in EVENT_TYPES:
                raise QueryParameterError(parameter, f"{text!r} is not one of {', '.join(EVENT_TYPES)}")
            return text
        case "action":
            if text not in ("ADD", "OBSERVE", "DELETE"):
                raise QueryParameterError(parameter, f"{text!r} is not one of ADD, OBSERVE, DELETE")
            return text
        case "vocabulary":
            return bare(text) or text
        case "identity":
            return ids.parse(text).key
        case "match":
            return ids.match_key(text)
    return text


@dataclass(frozen=True)
class Query:
    filters: dict[str, Any]
    per_page: int
    order_by: str  # recordTime or eventTime
    descending: bool
    count_limit: int | None
    after: dict[str, int] | None
    parameters: list[tuple[str, str]]  # as asked, for the next page's link (without nextPageToken)

    @classmethod
    def parse(cls, items: Sequence[tuple[str, str]]) -> Query:
        filters: dict[str, Any] = {name: None for name, _ in _LISTS.values()}
        filters.update({name: None for name in _INSTANTS.values()})
        filters["hasError"] = None
        given: dict[str, str] = {}
        for name, value in items:
            if name not in KNOWN:
                raise QueryParameterError(name, f"unknown query parameter (known: {', '.join(KNOWN)})")
            if name in given:
                raise QueryParameterError(name, "given twice (several values are pipe-delimited: a|b)")
            given[name] = value
        for name, value in given.items():
            if name in _LISTS:
                target, kind = _LISTS[name]
                filters[target] = sorted({_value(kind, name, v.strip()) for v in value.split("|")})
            elif name in _INSTANTS:
                try:
                    filters[_INSTANTS[name]] = instant_ms(value)
                except ValueError:
                    raise QueryParameterError(name, f"{value!r} is not an RFC 3339 instant") from None
            elif name == "EXISTS_errorDeclaration":
                filters["hasError"] = True
        order_by = given.get("orderBy", "")
        if order_by not in ("", "eventTime", "recordTime"):
            raise QueryParameterError("orderBy", f"{order_by!r} is not eventTime or recordTime")
        direction = given.get("orderDirection", "DESC" if order_by else "ASC")
        if direction not in ("ASC", "DESC"):
            raise QueryParameterError("orderDirection", f"{direction!r} is not ASC or DESC")
        per_page = min(_positive(given, "perPage", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        count_limit = _positive(given, "eventCountLimit", None)
        after = _token(given["nextPageToken"]) if "nextPageToken" in given else None
        if after is not None and "left" in after:
            count_limit = after["left"]
        return cls(
            filters,
            per_page,
            order_by or "recordTime",
            direction == "DESC",
            count_limit,
            after,
            [(k, v) for k, v in items if k != "nextPageToken"],
        )


def _positive(given: Mapping[str, str], name: str, default: int | None) -> Any:
    if name not in given:
        return default
    try:
        value = int(given[name])
    except ValueError:
        value = 0
    if value < 1:
        raise QueryParameterError(name, f"{given[name]!r} is not a positive integer")
    return value


def _token(text: str) -> dict[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4)))
        if isinstance(data, dict) and isinstance(data.get("value"), int) and isinstance(data.get("seq"), int):
            return {k: int(v) for k, v in data.items() if k in ("value", "seq", "left")}
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise QueryParameterError("nextPageToken", "not a token this service issued")


def _make_token(value: int, seq: int, left: int | None) -> str:
    data = {"value": value, "seq": seq, **({"left": left} if left is not None else {})}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]  # as captured, with recordTime
    next_token: str | None


async def run(graph: Graph, query: Query, captured_by: str | None = None) -> Page:
    size = min(query.per_page, query.count_limit) if query.count_limit is not None else query.per_page
    rows = await graph.read(
        "epcis/query_events",
        **query.filters,
        capturedBy=captured_by,
        orderBy=query.order_by,
        descending=query.descending,
        after=query.after,
        limit=size + 1,
    )
    shown = rows[:size]
    left = query.count_limit - len(shown) if query.count_limit is not None else None
    more = len(rows) > size and (left is None or left > 0)
    token = _make_token(shown[-1]["value"], shown[-1]["seq"], left) if more and shown else None
    return Page([answered(r["json"], r["recordTime"]) for r in shown], token)


def answered(stored_json: str, record_time: int) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(stored_json)
    event["recordTime"] = iso_ms(record_time)
    return event


async def events_by_id(graph: Graph, event_ids: list[str], captured_by: str | None = None) -> list[dict[str, Any]]:
    rows = await graph.read("epcis/events_by_id", ids=event_ids, capturedBy=captured_by)
    return [answered(r["json"], r["recordTime"]) for r in rows]
