"""The credit-event feed: every grade change in commit order, paged by an opaque cursor (graph/seq_log.py).

seq numbers are drawn under one lock inside the transaction that changes the grade
(cypher/credit/append_events.cypher), so they are gap-free and increase in commit order. Under the same lock an
event's `at` is its evaluation instant or the previous event's `at`, whichever is later, so `at` never decreases
along seq.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import datetime
from typing import Any

from graph.clock import from_ms, timestamp
from graph.credit import GradeChange
from graph.db import Graph
from graph.read_model import ROW, column, read_grouped, read_model, reader
from graph.records import CreditGrade
from graph.seq_log import SeqLog

FEED = SeqLog(
    prefix="credit-event:",
    events_after="credit/events_after",
    last_seq="credit/last_seq",
    name="the feed",
    beyond="the feed was reset or the cursor is from elsewhere",
)


def _effective_at(m: Any) -> datetime:
    """The legal date of the act; events recorded before it was kept have their commit instant."""
    return from_ms(m.get("effectiveAtMs") or m["atMs"])


@read_model
class CreditEventRecord:
    seq: int  # strictly increasing, without gaps, in commit order
    from_grade: CreditGrade
    to_grade: CreditGrade
    reason: str
    at: datetime  # when the change was committed
    effective_at: datetime = column(ROW, read=_effective_at)  # the legal date of the act
    kind: str  # an EventKind
    decided_by: str  # the regulator, agency or process that decided the change
    evidence: dict[str, Any] = field(default_factory=dict)  # JSON text on the node
    enterprise_id: str
    enterprise_uscc: str | None = None  # the enterprise as it is now (the feed's statements; not of a change)
    enterprise_name: str | None = None

    @property
    def cursor(self) -> str:
        """Resume the feed after this event."""
        return FEED.cursor(self.seq)

    @classmethod
    def of_change(cls, c: GradeChange) -> CreditEventRecord:
        """Without the enterprise's USCC and name: GraphQL reads them through `enterprise`."""
        assert c.seq is not None and c.at_ms is not None, "only changes appended to the feed are events"
        return cls(
            seq=c.seq,
            enterprise_id=c.enterprise,
            from_grade=c.from_grade,
            to_grade=c.to_grade,
            kind=c.kind.value,
            reason=c.reason,
            decided_by=c.decided_by,
            evidence=c.evidence,
            at=from_ms(c.at_ms),
            effective_at=from_ms(c.effective_at_ms if c.effective_at_ms is not None else c.at_ms),
        )

    def as_json(self, with_evidence: bool = True) -> dict[str, Any]:
        """The NDJSON line of the bulk feed (GET /credit/events): the GraphQL CreditEvent, flattened; without its
        evidence for a reader who may not see it (the GraphQL field's rule)."""
        line = {
            "seq": self.seq,
            "cursor": self.cursor,
            "enterprise": self.enterprise_id,
            "enterpriseUscc": self.enterprise_uscc,
            "enterpriseName": self.enterprise_name,
            "fromGrade": self.from_grade.value,
            "toGrade": self.to_grade.value,
            "kind": self.kind,
            "reason": self.reason,
            "decidedBy": self.decided_by,
            "evidence": self.evidence,
            "at": timestamp(self.at),
            "effectiveAt": timestamp(self.effective_at),
        }
        if not with_evidence:
            del line["evidence"]
        return line


read_event = reader(CreditEventRecord, "event")


@read_model
class CreditEventPage:
    events: tuple[CreditEventRecord, ...]
    end_cursor: str | None  # where the next page starts; the given cursor when this page is empty
    has_next_page: bool


async def page(graph: Graph, after: str | None = None, first: int = 100) -> CreditEventPage:
    events, end, more = await FEED.page(graph, after, first, read_event)
    return CreditEventPage(events=events, end_cursor=end, has_next_page=more)


async def history(graph: Graph, ids: Sequence[str], limit: int) -> list[list[CreditEventRecord]]:
    """Each enterprise's credit events, newest first (a DataLoader backend)."""
    return await read_grouped(graph, "credit/enterprise_events", ids, read_event, limit=limit)
