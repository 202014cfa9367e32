"""Downgrade reviews: contagion asks a person to look; only an approval changes a grade.

Opening takes the exposures whose action is DOWNGRADE_REVIEW and opens one review per enterprise (never two
open at once), each with a snapshot of the evidence that opened it. The same evidence cannot downgrade twice: an
exposure whose sources, ties and score the enterprise's last approved review already weighed opens nothing.
A regulator approves (the grade drops one step, and the credit event carries the review's evidence) or rejects
with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from graph import contagion as cg
from graph.clock import dated_id, from_ms, now_ms
from graph.credit import Cause, CreditState, EventKind, GradeChange, decide_in, one_step_down
from graph.db import Graph, Tx
from graph.errors import BadInput, NotFound, check_range, required
from graph.records import CreditGrade

DOWNGRADE_RULE = "an approved downgrade review lowers the credit grade by one step"


class ReviewStatus(StrEnum):
    OPEN = "OPEN"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def _path_json(p: cg.ContagionPath) -> dict[str, Any]:
    return {
        "source": p.source,
        "score": p.score,
        "hops": [{"from": h.from_, "to": h.to, "kind": h.kind, "weight": h.weight, "via": h.via} for h in p.hops],
    }


def _path_of(m: dict[str, Any]) -> cg.ContagionPath:
    hops = tuple(cg.Hop(h["from"], h["to"], h["kind"], h["weight"], h.get("via")) for h in m["hops"])
    return cg.ContagionPath(m["source"], m["score"], hops)


@dataclass(frozen=True)
class Review:
    id: str
    enterprise: str
    status: ReviewStatus
    score: float
    action: str
    evidence: tuple[cg.ContagionPath, ...]
    sources: list[str]
    max_hops: int
    grade_at_opening: str
    opened_at: datetime
    opened_by: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    credit_event_seq: int | None

    @classmethod
    def of(cls, m: dict[str, Any]) -> Review:
        def at(ms: int | None) -> datetime | None:
            return None if ms is None else from_ms(ms)

        return cls(
            id=m["id"],
            enterprise=m["enterprise"],
            status=ReviewStatus(m["status"]),
            score=m["score"],
            action=m["action"],
            evidence=tuple(_path_of(p) for p in json.loads(m["evidence"])),
            sources=list(m.get("sources") or []),
            max_hops=m["maxHops"],
            grade_at_opening=m["gradeAtOpening"],
            opened_at=at(m["openedAtMs"]),  # type: ignore[arg-type]
            opened_by=m["openedBy"],
            decided_at=at(m.get("decidedAtMs")),
            decided_by=m.get("decidedBy"),
            decision_reason=m.get("decisionReason"),
            credit_event_seq=m.get("creditEventSeq"),
        )


@dataclass(frozen=True)
class Opened:
    opened: list[Review]  # reviews this call opened
    already_open: list[Review]  # exposures that already had an open review
    skipped: list[Review] = field(default_factory=list)  # the approved reviews that already weighed an exposure


def _ties(paths: Sequence[cg.ContagionPath]) -> set[tuple[str, str, str, str | None]]:
    return {(h.from_, h.to, h.kind, h.via) for p in paths for h in p.hops}


def _has_new_evidence(exposure: cg.Exposure, approved: Review) -> bool:
    """Whether the exposure rests on something the approved review did not have: a source, a tie, a higher score."""
    return (
        not {p.source for p in exposure.evidence} <= set(approved.sources)
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
    weighed = {r.enterprise for r in skipped}
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
            "sources": sorted({p.source for p in e.evidence}),
            "maxHops": max_hops,
        }
        for e in due
    ]
    result = await graph.write("reviews/open", rows=rows, now=at, by=by)
    opened = [Review.of(r["review"]) for r in result if r["opened"]]
    already = [Review.of(r["review"]) for r in result if not r["opened"]]
    return Opened(opened, already, skipped)


async def _decide(
    graph: Graph, review_id: str, status: ReviewStatus, by: str, reason: str, now: int | None
) -> tuple[Review, GradeChange | None]:
    """Lock the review, then (on approval) its enterprise, before anything is read; the decision is dated at `now`
    or the clock once the locks are held, and the review records the decision's own credit event."""
    by, reason = required("by", by), required("reason", reason)

    async def work(tx: Tx) -> tuple[Review, GradeChange | None]:
        rows = await tx.run("reviews/lock", id=review_id)
        if not rows:
            raise NotFound("downgrade review", review_id, "id")
        review = Review.of(rows[0]["review"])
        if review.status != ReviewStatus.OPEN:
            raise BadInput("id", f"downgrade review {review_id!r} is already {review.status.value}")
        change, at = None, now if now is not None else now_ms()
        if status == ReviewStatus.APPROVED:

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
            decided = await decide_in(tx, review.enterprise, cause, one_step, now)
            change, at = decided.change, decided.at_ms
        seq = change.seq if change else None
        decided_row = await tx.run(
            "reviews/decide", id=review_id, status=status.value, now=at, by=by, reason=reason, seq=seq
        )
        return Review.of(decided_row[0]["review"]), change

    return await graph.transaction(work)


async def approve(graph: Graph, review_id: str, by: str, reason: str, now: int | None = None) -> Review:
    return (await _decide(graph, review_id, ReviewStatus.APPROVED, by, reason, now))[0]


async def reject(graph: Graph, review_id: str, by: str, reason: str, now: int | None = None) -> Review:
    return (await _decide(graph, review_id, ReviewStatus.REJECTED, by, reason, now))[0]


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[Review | None]:
    found = {r["review"]["id"]: Review.of(r["review"]) for r in await graph.read("reviews/by_id", ids=list(ids))}
    return [found.get(i) for i in ids]


async def listing(graph: Graph, status: ReviewStatus | None, first: int) -> list[Review]:
    check_range("first", first, 1, 1000)
    rows = await graph.read("reviews/list", status=status.value if status else None, limit=first)
    return [Review.of(r["review"]) for r in rows]


async def of_enterprises(
    graph: Graph, ids: Sequence[str], limit: int, status: ReviewStatus | None = None
) -> list[list[Review]]:
    grouped: dict[str, list[Review]] = {i: [] for i in ids}
    value = status.value if status else None
    for r in await graph.read("reviews/of_enterprises", ids=list(set(ids)), limit=limit, status=value):
        grouped[r["parent"]].append(Review.of(r["review"]))
    return [grouped[i] for i in ids]
