"""Pages of an append-only log numbered by seq: the credit-event feed (graph/credit_feed.py) and the audit trail
(graph/audit.py).

A log's seq numbers are drawn under one lock in the transaction that appends its events, so they are gap-free and
increase in commit order: reading "the events after seq n" never skips an event that commits later with a smaller
seq, and never repeats one. A cursor is the last seq a client has seen, after the log's prefix (so that a cursor
of one log is refused by another), encoded so that clients treat it as opaque."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from graph.db import Graph
from graph.errors import BadInput, check_range
from graph.read_model import MAX_PAGE

MAX_SEQ = 2**63 - 1  # a Neo4j integer


class Numbered(Protocol):
    @property
    def seq(self) -> int: ...


E = TypeVar("E", bound=Numbered)


@dataclass(frozen=True)
class SeqLog:
    prefix: str  # of its cursors: "credit-event:"
    events_after: str  # the statement of the events after seq $after, at most $limit, by seq
    last_seq: str  # the statement of the last seq appended (`last`, 0 for none)
    name: str  # in the error for a cursor beyond the end: "the feed"
    beyond: str  # ... and how such a cursor came to be

    def cursor(self, seq: int) -> str:
        """Resume the log after the event `seq`."""
        return base64.urlsafe_b64encode(f"{self.prefix}{seq}".encode()).decode().rstrip("=")

    def seq_of(self, cursor: str, argument: str = "after") -> int:
        """The seq a cursor stands for; BadInput naming `argument` when it is not one of this log's."""
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            digits = text[len(self.prefix) :]
            if text.startswith(self.prefix) and digits.isascii() and digits.isdigit() and int(digits) <= MAX_SEQ:
                return int(digits)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
        raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page, or omit it")

    async def page(
        self, graph: Graph, after: str | None, first: int, read: Callable[[Mapping[str, Any]], E]
    ) -> tuple[tuple[E, ...], str | None, bool]:
        """Up to `first` events after the cursor `after` (None: from the start), each made by `read` from its row;
        the cursor of the next page (the one given when this page is empty) and whether there are more."""
        check_range("first", first, 1, MAX_PAGE)
        after_seq = self.seq_of(after) if after is not None else 0
        rows = await graph.read(self.events_after, after=after_seq, limit=first + 1)
        events = tuple(read(r) for r in rows[:first])
        if not events and after_seq > 0:
            last = (await graph.read(self.last_seq))[0]["last"]
            if after_seq > last:
                # A stalled client must notice: the log was reset, or the cursor comes from another deployment.
                raise BadInput(
                    "after",
                    f"cursor {after!r} is beyond the end of {self.name} (last seq {last}): {self.beyond}; start "
                    "again without `after`",
                )
        end = self.cursor(events[-1].seq) if events else after
        return events, end, len(rows) > first
