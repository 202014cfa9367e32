"""Downgrade reviews: contagion asks a person to look; only an approval changes a grade.

Opening takes the exposures whose action is DOWNGRADE_REVIEW and opens one review per enterprise (never two
open at once), each with a snapshot of the evidence that opened it. The same evidence cannot downgrade twice: an
exposure whose sources, ties and score the enterprise's last approved review already weighed opens nothing.
A regulator approves (the grade drops one step, and the credit event carries the review's evidence) or rejects
with a reason; four eyes: the approval is another officer's than the one who opened the review.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from graph import contagion as cg
from graph.clock import dated_id, now_ms
from graph.credit import Cause, CreditState, EventKind, GradeChange, decide_in, one_step_down
from graph.db import Graph, Tx
from graph.errors import BadInput, Forbidden, NotFound, check_range, required
from graph.read_model import MAX_PAGE, read_by_id, read_grouped, read_model, reader
from graph.records import CreditGrade

DOWNGRADE_RULE = "an approved downgrade review lowers the credit grade by one step"


class ReviewStatus(StrEnum):
    OPEN = "OPEN"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def _path_json(p: cg.ContagionPath) -> dict[str, Any]:
    """A path as the review's evidence keeps it (read back by `from_row`: see Hop and ContagionPath)."""
    return {
        "source": p.source_id,
        "score": p.score,
        "hops": [{"from": h.from_id, "to": h.to_id, "kind": h.kind, "weight": h.weight, "via": h.via} for h in p.hops],
    }


@read_model
class Review:
    id: str
    status: ReviewStatus
    score: float  # the contagion score when the review was opened
    action: str
    evidence: tuple[cg.ContagionPath, ...]  # a snapshot at opening, JSON text on the node
    sources: list[str]
    max_hops: int
    grade_at_opening: CreditGrade
    opened_at: datetime
    opened_by: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    credit_event_seq: int | None  # the credit event an approval wrote
    enterprise_id: str


read_review = reader(Review, "review")


@dataclass(frozen=True)
class Opened:
    opened: list[Review]  # reviews this call opened
    already_open: list[Review]  # exposures that already had an open review
    skipped: list[Review] = field(default_factory=list)  # the approved reviews that already weighed an exposure


def _ties(paths: Sequence[cg.ContagionPath]) -> set[tuple[str, str, str, str | None]]:
    return {(h.from_id, h.to_id, h.kind, h.via) for p in paths for h in p.hops}


def _has_new_evidence(exposure: cg.Exposure, approved: Review) -> bool:
    """Whether the exposure rests on something the approved review did not have: a source, a tie, a higher score."""
    return (
        not {p.source_id for p in exposure.evidence} <= set(approved.sources)
        or not _ties(exposure.evidence) <= _ties(approved.evidence)
        or exposure.score > approved.score
    )


async def open_reviews(
    graph: Graph, by: str, source_ids: Sequence[str] | None = None, max_hops: int = 3, now: int | None = None
) -> Opened:
    by = required("by", by)
    at = now if now is not None else now_ms()
    exposures = await cg.contagion(graph, source_ids, max_hops, min_score=0.6)
    due = [e for e in exposures if e.action == cg.Action.DOWNGRADE_REVIEW]
    last_approved = await of_enterprises(graph, [e.enterprise for e in due], 1, ReviewStatus.APPROVED)
    # The same evidence cannot downgrade twice: skip an exposure its enterprise's last approved review weighed.
    skipped = [
        approved[0]
        for e, approved in zip(due, last_approved, strict=True)
        if approved and not _has_new_evidence(e, approved[0])
    ]
    weighed = {r.enterprise_id for r in skipped}
    due = [e for e in due if e.enterprise not in weighed]
    if not due:
        return Opened([], [], skipped)
    rows = [
        {
            "id": dated_id("DR", at, digits=10),
            "enterprise": e.enterprise,
            "score": e.score,
            "action": e.action.value,
            "evidence": json.dumps([_path_json(p) for p in e.evidence], ensure_ascii=False),
            "sources": sorted({p.source_id for p in e.evidence}),
            "maxHops": max_hops,
        }
        for e in due
    ]
    result = await graph.write("reviews/open", rows=rows, now=at, by=by)
    opened = [read_review(r) for r in result if r["opened"]]
    already = [read_review(r) for r in result if not r["opened"]]
    return Opened(opened, already, skipped)


def _second_officer(review: Review, by: str) -> None:
    """Four eyes: a downgrade hurts the enterprise, so the officer who opened the review may not approve it."""
    if review.opened_by == by:
        raise Forbidden(
            f"downgrade review {review.id!r} was opened by {review.opened_by}: a second credit officer must approve it"
        )


async def _decide(
    graph: Graph,
    review_id: str,
    status: ReviewStatus,
    by: str,
    reason: str,
    now: int | None,
) -> tuple[Review, GradeChange | None]:
    """Lock the review, then (on approval) its enterprise, before anything is read; the decision is dated at `now`
    or the clock once the locks are held, and the review records the decision's own credit event."""
    by, reason = required("by", by), required("reason", reason)

    async def work(tx: Tx) -> tuple[Review, GradeChange | None]:
        rows = await tx.run("reviews/lock", id=review_id)
        if not rows:
            raise NotFound("downgrade review", review_id, "id")
        review = read_review(rows[0])
        if review.status != ReviewStatus.OPEN:
            raise BadInput("id", f"downgrade review {review_id!r} is already {review.status.value}")
        change, at = None, now if now is not None else now_ms()
        if status == ReviewStatus.APPROVED:
            _second_officer(review, by)

            def one_step(state: CreditState, _at: int) -> CreditGrade:
                lower = one_step_down(state.grade)
                if lower is None:
                    raise BadInput("id", f"enterprise {state.id!r} is already at the lowest grade, {state.grade.value}")
                return lower

            evidence = {
                "rule": DOWNGRADE_RULE,
                "review": review.id,
                "score": review.score,
                "paths": [_path_json(p) for p in review.evidence],
            }
            cause = Cause(EventKind.DOWNGRADE_REVIEW, f"downgrade review {review.id} approved: {reason}", by, evidence)
            decided = await decide_in(tx, review.enterprise_id, cause, one_step, now)
            change, at = decided.change, decided.at_ms
        seq = change.seq if change else None
        decided_row = await tx.run(
            "reviews/decide", id=review_id, status=status.value, now=at, by=by, reason=reason, seq=seq
        )
        return read_review(decided_row[0]), change

    return await graph.transaction(work)


async def approve(graph: Graph, review_id: str, by: str, reason: str, now: int | None = None) -> Review:
    """Approve an open review; FORBIDDEN for the officer who opened it: `by` signs, and is the caller."""
    return (await _decide(graph, review_id, ReviewStatus.APPROVED, by, reason, now))[0]


async def reject(graph: Graph, review_id: str, by: str, reason: str, now: int | None = None) -> Review:
    return (await _decide(graph, review_id, ReviewStatus.REJECTED, by, reason, now))[0]


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[Review | None]:
    return await read_by_id(graph, "reviews/by_id", ids, read_review)


async def listing(graph: Graph, status: ReviewStatus | None, first: int) -> list[Review]:
    check_range("first", first, 1, MAX_PAGE)
    rows = await graph.read("reviews/list", status=status.value if status else None, limit=first)
    return [read_review(r) for r in rows]


async def of_enterprises(
    graph: Graph, ids: Sequence[str], limit: int, status: ReviewStatus | None = None
) -> list[list[Review]]:
    value = status.value if status else None
    return await read_grouped(graph, "reviews/of_enterprises", ids, read_review, limit=limit, status=value)
