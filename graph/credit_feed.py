"""The credit-event feed: every grade change in commit order, paged by an opaque cursor.

seq numbers are drawn under one lock inside the transaction that changes the grade
(cypher/credit/append_events.cypher), so they are gap-free and increase in commit order: reading "the
events after seq n" never skips an event that commits later with a smaller seq, and never repeats one. Under the
same lock an event's `at` is its evaluation instant or the previous event's `at`, whichever is later, so `at`
never decreases along seq.
The cursor is the last seq a client has seen, encoded so that clients treat it as opaque.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.clock import from_ms, timestamp
from graph.credit import GradeChange
from graph.db import Graph
from graph.errors import BadInput, check_range

CURSOR_PREFIX = "credit-event:"
MAX_PAGE = 1000
MAX_SEQ = 2**63 - 1  # a Neo4j integer


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, argument: str = "after") -> int:
    """The seq a cursor stands for; BadInput naming `argument` when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        digits = text[len(CURSOR_PREFIX) :]
        if text.startswith(CURSOR_PREFIX) and digits.isascii() and digits.isdigit() and int(digits) <= MAX_SEQ:
            return int(digits)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page, or omit it")


@dataclass(frozen=True)
class CreditEventRecord:
    seq: int
    enterprise: str
    from_grade: str
    to_grade: str
    kind: str
    reason: str
    decided_by: str
    evidence: dict[str, Any]
    at: datetime  # when the change was committed
    effective_at: datetime  # the legal date of the act; older events without one: `at`
    enterprise_uscc: str | None = None
    enterprise_name: str | None = None

    @classmethod
    def of(cls, m: dict[str, Any]) -> CreditEventRecord:
        return cls(
            seq=m["seq"],
            enterprise=m["enterpriseId"],
            from_grade=m["fromGrade"],
            to_grade=m["toGrade"],
            kind=m["kind"],
            reason=m["reason"],
            decided_by=m["decidedBy"],
            evidence=json.loads(m.get("evidence") or "{}"),
            at=from_ms(m["atMs"]),
            effective_at=from_ms(m.get("effectiveAtMs") or m["atMs"]),
            enterprise_uscc=m.get("enterpriseUscc"),
            enterprise_name=m.get("enterpriseName"),
        )

    @classmethod
    def of_change(cls, c: GradeChange) -> CreditEventRecord:
        """Without the enterprise's USCC and name: GraphQL reads them through `enterprise`."""
        assert c.seq is not None and c.at_ms is not None, "only changes appended to the feed are events"
        return cls(
            seq=c.seq,
            enterprise=c.enterprise,
            from_grade=c.from_grade.value,
            to_grade=c.to_grade.value,
            kind=c.kind.value,
            reason=c.reason,
            decided_by=c.decided_by,
            evidence=c.evidence,
            at=from_ms(c.at_ms),
            effective_at=from_ms(c.effective_at_ms if c.effective_at_ms is not None else c.at_ms),
        )

    def as_json(self) -> dict[str, Any]:
        """The NDJSON line of the bulk feed (GET /credit/events): the GraphQL CreditEvent, flattened."""
        return {
            "seq": self.seq,
            "cursor": encode_cursor(self.seq),
            "enterprise": self.enterprise,
            "enterpriseUscc": self.enterprise_uscc,
            "enterpriseName": self.enterprise_name,
            "fromGrade": self.from_grade,
            "toGrade": self.to_grade,
            "kind": self.kind,
            "reason": self.reason,
            "decidedBy": self.decided_by,
            "evidence": self.evidence,
            "at": timestamp(self.at),
            "effectiveAt": timestamp(self.effective_at),
        }


@dataclass(frozen=True)
class CreditEventPage:
    events: list[CreditEventRecord]
    end_cursor: str | None  # where the next page starts; the given cursor when this page is empty
    has_next_page: bool


async def page(graph: Graph, after: str | None = None, first: int = 100) -> CreditEventPage:
    check_range("first", first, 1, MAX_PAGE)
    after_seq = decode_cursor(after) if after is not None else 0
    rows = await graph.read("credit/events_after", after=after_seq, limit=first + 1)
    events = [CreditEventRecord.of(r["event"]) for r in rows[:first]]
    if not events and after_seq > 0:
        last = (await graph.read("credit/last_seq"))[0]["last"]
        if after_seq > last:
            # A stalled client must notice: the feed was reset, or the cursor comes from another deployment.
            raise BadInput(
                "after",
                f"cursor {after!r} is beyond the end of the feed (last seq {last}): the feed was reset or the "
                "cursor is from elsewhere; start again without `after`",
            )
    end = encode_cursor(events[-1].seq) if events else after
    return CreditEventPage(events, end, len(rows) > first)


async def history(graph: Graph, ids: Sequence[str], limit: int) -> list[list[CreditEventRecord]]:
    """Each enterprise's credit events, newest first (a DataLoader backend)."""
    grouped: dict[str, list[CreditEventRecord]] = {i: [] for i in ids}
    for r in await graph.read("credit/enterprise_events", ids=list(set(ids)), limit=limit):
        grouped[r["parent"]].append(CreditEventRecord.of(r["event"]))
    return [grouped[i] for i in ids]
