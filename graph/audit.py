"""The audit trail: who did and saw what. Every mutation and every read of confidential data is appended as an
AuditEvent (its subject and roles, the operation, the ids it named, its outcome and the request's id), refused
and failed attempts too; events are never changed or deleted.

seq numbers are drawn under one lock in the transaction that appends them (cypher/audit/append_events.cypher),
as the credit feed's are, and the trail is paged as the feed is (graph/seq_log.py): never skipping nor repeating
an event. A request's events are appended in one write, before the request is answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from graph.clock import now_ms
from graph.db import Graph
from graph.errors import check_range
from graph.read_model import MAX_PAGE, read_model, reader
from graph.seq_log import SeqLog

TRAIL = SeqLog(
    prefix="audit-event:",
    events_after="audit/events_after",
    last_seq="audit/last_seq",
    name="the audit trail",
    beyond="it is from another deployment",
)
DENIED_CODES = frozenset({"FORBIDDEN", "UNAUTHENTICATED"})


class Outcome(StrEnum):
    OK = "OK"
    DENIED = "DENIED"  # refused: no verified caller, or a role or a second person missing
    FAILED = "FAILED"  # attempted, and failed (bad input, not found, an outage)


def outcome_of(codes: Sequence[str | None]) -> Outcome:
    """The outcome of an operation from the error codes it answered (none: OK)."""
    if not codes:
        return Outcome.OK
    return Outcome.DENIED if any(c in DENIED_CODES for c in codes) else Outcome.FAILED


@dataclass(frozen=True)
class Entry:
    """An event to append: what happened, before it has its seq and time."""

    subject: str
    roles: tuple[str, ...]
    operation: str  # "Mutation.openRecall", "Query.recallScope", "Person.name" or "POST /imports"
    ids: tuple[str, ...]
    outcome: Outcome
    request_id: str | None

    def row(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "roles": sorted(self.roles),
            "operation": self.operation,
            "ids": list(dict.fromkeys(self.ids)),
            "outcome": self.outcome.value,
            "requestId": self.request_id,
        }


@read_model
class AuditEvent:
    seq: int  # strictly increasing, without gaps, in commit order
    at: datetime  # when it was appended; never decreases along seq
    subject: str
    roles: tuple[str, ...]
    operation: str
    ids: tuple[str, ...]
    outcome: Outcome
    request_id: str | None

    @property
    def cursor(self) -> str:
        return TRAIL.cursor(self.seq)


read_event = reader(AuditEvent, "event")


@read_model
class AuditEventPage:
    events: tuple[AuditEvent, ...]
    end_cursor: str | None  # where the next page starts; the given cursor when this page is empty
    has_next_page: bool


async def append(graph: Graph, entries: Sequence[Entry], now: int | None = None) -> list[int]:
    """Append `entries` in one transaction; their seq numbers."""
    if not entries:
        return []
    # One auto-commit write (Graph.write_once): the event of a confidential read is awaited before its answer.
    rows = await graph.write_once(
        "audit/append_events", events=[e.row() for e in entries], now=now if now is not None else now_ms()
    )
    return list(rows[0]["seqs"])


async def page(graph: Graph, after: str | None = None, first: int = 100) -> AuditEventPage:
    events, end, more = await TRAIL.page(graph, after, first, read_event)
    return AuditEventPage(events=events, end_cursor=end, has_next_page=more)


async def record_versions(graph: Graph, record_type: str, record_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """What a record said before imports replaced it, newest first: the node's properties then (`suppliedBy` among
    them), with `replacedAtMs` and `replacedBy` (who supplied the record that replaced it)."""
    check_range("limit", limit, 1, MAX_PAGE)
    rows = await graph.read("ingest/record_versions", type=record_type, id=record_id, limit=limit)
    return [dict(r["version"]) for r in rows]
