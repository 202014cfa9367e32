"""Credit grades: how an enterprise's grade follows from its records and from regulators' decisions.

Each enterprise has
- a standing grade: the grade its record declares, as later changed by approved downgrade reviews and by
  regulators (manual changes);
- the listings against it (blacklist entries), each in force from listedAt until it expires or is lifted;
- its effective credit grade: the worst of the standing grade and of every listing in force (a listing means
  DISHONEST, a serious one SERIOUSLY_DISHONEST).

So a listing lowers the grade unless it is already lower, and when the listing ends the grade it replaced
returns (credit repair) unless something else lowered the standing grade meanwhile. Every change of the
effective grade is a CreditEvent, written in the same transaction as the change, with its reason, evidence
and decider. Everything that changes a grade goes through `evaluate_in` or `decide_in`: each locks the
enterprises first and reads their state under the lock, in the transaction that stores the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from typing import Any

from graph.clock import iso, now_ms
from graph.db import Graph, Tx
from graph.errors import BadInput, Forbidden, NotFound, required
from graph.read_model import from_row, read_by_id, read_grouped, read_model, reader
from graph.records import CreditGrade

GRADES: tuple[CreditGrade, ...] = tuple(CreditGrade)  # best first
LISTING_RULE = (
    "a blacklist listing in force sets the grade to DISHONEST (SERIOUSLY_DISHONEST when serious) "
    "unless it is already lower"
)
REPAIR_RULE = "when a listing expires or is lifted, the grade it replaced returns unless something else lowered it"
SWEEP_LIMIT = 100_000


class EventKind(StrEnum):
    BLACKLIST = "BLACKLIST"  # a listing in force lowered the grade
    CREDIT_REPAIR = "CREDIT_REPAIR"  # a listing expired or was lifted: the grade it replaced returned
    DOWNGRADE_REVIEW = "DOWNGRADE_REVIEW"  # a regulator approved a downgrade review
    MANUAL = "MANUAL"  # a regulator set the grade, with a reason
    DECLARED = "DECLARED"  # the enterprise's record declares another grade
    CORRECTION = "CORRECTION"  # corrected records (a listing moved to another enterprise, or not yet started)


def rank(grade: CreditGrade | str) -> int:
    """0 for the best grade; higher is worse."""
    return GRADES.index(CreditGrade(grade))


def worst(*grades: CreditGrade) -> CreditGrade:
    return max(grades, key=rank)


def one_step_down(grade: CreditGrade) -> CreditGrade | None:
    i = rank(grade)
    return GRADES[i + 1] if i + 1 < len(GRADES) else None


@read_model
class Listing:
    """A blacklist entry against an enterprise."""

    id: str
    reason: str
    listed_at: str
    expires_at: str | None
    serious: bool = False  # serious dishonesty: the grade drops to SERIOUSLY_DISHONEST
    agency_id: str | None
    lifted_by: str | None
    lift_reason: str | None
    listed_at_ms: int
    expires_at_ms: int | None
    lifted_at_ms: int | None
    # Four eyes: a serious listing's lifting, asked for and awaiting another officer's confirmation (still in force).
    lift_requested_by: str | None = None
    lift_requested_at_ms: int | None = None
    lift_request_reason: str | None = None
    enterprise_id: str | None = None  # None in a credit state: the enterprise whose state it is

    @property
    def grade(self) -> CreditGrade:
        return CreditGrade.SERIOUSLY_DISHONEST if self.serious else CreditGrade.DISHONEST

    @property
    def lift_pending(self) -> bool:
        return self.lift_requested_by is not None and self.lifted_at_ms is None

    def in_force(self, now: int) -> bool:
        return (
            self.listed_at_ms <= now
            and (self.expires_at_ms is None or now < self.expires_at_ms)
            and (self.lifted_at_ms is None or now < self.lifted_at_ms)
        )

    def ended_at(self, now: int) -> int | None:
        """When the listing stopped being in force, if it has by `now`."""
        ends = [t for t in (self.lifted_at_ms, self.expires_at_ms) if t is not None and t <= now]
        return min(ends) if ends else None

    def ended(self, now: int) -> str | None:
        """How the listing stopped being in force, or None when it is in force or not started."""
        if self.lifted_at_ms is not None and self.lifted_at_ms <= now:
            return f"lifted by {self.lifted_by} on {iso(self.lifted_at_ms)}: {self.lift_reason}"
        if self.expires_at_ms is not None and self.expires_at_ms <= now:
            return f"expired on {self.expires_at}"
        return None

    def evidence(self) -> dict[str, Any]:
        return {
            "record": "blacklist",
            "id": self.id,
            "reason": self.reason,
            "serious": self.serious,
            "agency": self.agency_id,
            "listedAt": self.listed_at,
            "expiresAt": self.expires_at,
            "liftedAt": iso(self.lifted_at_ms) if self.lifted_at_ms is not None else None,
            "liftedBy": self.lifted_by,
        }


@read_model
class CreditState:
    """An enterprise's credit state as credit/lock_states reads it: grades default to the declared grade, and
    listings come by id."""

    id: str
    grade: CreditGrade
    standing: CreditGrade
    declared: CreditGrade
    declared_seen: CreditGrade
    listings: tuple[Listing, ...]
    checked_at_ms: int | None  # when the grade was last evaluated

    def in_force(self, now: int) -> list[Listing]:
        return [listing for listing in self.listings if listing.in_force(now)]


@dataclass(frozen=True)
class Cause:
    """Why a grade is being evaluated, for the event when no listing explains the change itself."""

    kind: EventKind
    reason: str
    decided_by: str
    evidence: dict[str, Any] = field(default_factory=dict)


CORRECTED_RECORDS = Cause(EventKind.CORRECTION, "records corrected: no listing in force holds the grade", "system")


@dataclass(frozen=True)
class GradeChange:
    enterprise: str
    from_grade: CreditGrade
    to_grade: CreditGrade
    kind: EventKind
    reason: str
    decided_by: str
    evidence: dict[str, Any]
    effective_at_ms: int | None = None  # the legal date of the act: a listing's start or end, a decision's time
    seq: int | None = None  # set once appended to the feed
    at_ms: int | None = None

    def row(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise,
            "fromGrade": self.from_grade.value,
            "toGrade": self.to_grade.value,
            "kind": self.kind.value,
            "reason": self.reason,
            "decidedBy": self.decided_by,
            "evidence": json.dumps(self.evidence, ensure_ascii=False, sort_keys=True),
            "effectiveAtMs": self.effective_at_ms,
        }


@dataclass(frozen=True)
class Outcome:
    state: dict[str, Any]  # what credit/set_states stores
    change: GradeChange | None


def evaluate(state: CreditState, now: int, cause: Cause, standing: CreditGrade | None = None) -> Outcome:
    """The grade `state` should have at `now`, and the event that explains a change. `standing` replaces
    the standing grade (a review or a regulator decided it); otherwise a newly declared grade does."""
    declared_seen = state.declared_seen
    if standing is None:
        standing = state.standing
        if state.declared != state.declared_seen:
            standing = declared_seen = state.declared
            cause = Cause(
                EventKind.DECLARED,
                f"the enterprise record declares {state.declared.value} (was {state.declared_seen.value})",
                "import",
                {"record": "enterprise", "id": state.id, "creditGrade": state.declared.value},
            )
    in_force = state.in_force(now)
    grade = worst(standing, *(listing.grade for listing in in_force))
    stored = {"id": state.id, "grade": grade.value, "standing": standing.value, "declaredSeen": declared_seen.value}
    if grade == state.grade:
        return Outcome(stored, None)

    def change(kind: EventKind, reason: str, decided_by: str, evidence: dict[str, Any], effective: int) -> Outcome:
        evidence = {**evidence, "standingGrade": standing.value}
        return Outcome(stored, GradeChange(state.id, state.grade, grade, kind, reason, decided_by, evidence, effective))

    if rank(grade) > rank(state.grade):
        binding = [listing for listing in in_force if listing.grade == grade]
        if binding and rank(grade) > rank(standing):
            reason = "blacklisted: " + "; ".join(f"{listing.id} ({listing.reason})" for listing in binding)
            return change(
                EventKind.BLACKLIST,
                reason,
                binding[0].agency_id or "blacklist",
                {"rule": LISTING_RULE, "listings": [listing.evidence() for listing in binding]},
                min(listing.listed_at_ms for listing in binding),  # the grade fell when the first came into force
            )
    else:
        # Credit repair: listings that held the grade down and ended since the grade was last evaluated.
        since = state.checked_at_ms if state.checked_at_ms is not None else -1
        ended = sorted(
            (
                (ended_at, listing, listing.ended(now) or "")
                for listing in state.listings
                if rank(listing.grade) > rank(grade)
                and (ended_at := listing.ended_at(now)) is not None
                and ended_at > since
            ),
            key=lambda e: (e[0], e[1].id),
        )
        if ended:
            reason = "credit repair: " + "; ".join(f"listing {listing.id} {how}" for _, listing, how in ended)
            at, last, _ = ended[-1]  # the ending that let the grade return decides who repaired it
            decided_by = last.lifted_by if last.lifted_at_ms == at and last.lifted_by else "system"
            return change(
                EventKind.CREDIT_REPAIR,
                reason,
                decided_by,
                {"rule": REPAIR_RULE, "listings": [listing.evidence() for _, listing, _ in ended]},
                at,  # the lifting or expiry that let the grade return
            )
    # A decision, a declared grade or corrected records take effect when they are evaluated.
    return change(cause.kind, cause.reason, cause.decided_by, cause.evidence, now)


Decide = Callable[[CreditState, int], CreditGrade | None]


async def _lock(tx: Tx, ids: Sequence[str], now: int | None) -> tuple[list[CreditState], int]:
    """Lock the enterprises, read their credit state under the lock, and fix the instant they are evaluated at:
    `now` when the caller gives one, else the clock read once the locks are held (so no transaction that
    committed before them evaluated later), and never before an evaluation already stored (clocks of other
    processes)."""
    states = [from_row(CreditState, r) for r in await tx.run("credit/lock_states", ids=sorted(set(ids)))]
    if now is None:
        now = max([now_ms(), *(s.checked_at_ms for s in states if s.checked_at_ms is not None)])
    return states, now


async def _store(tx: Tx, outcomes: Sequence[Outcome], changes: Sequence[GradeChange], now: int) -> list[GradeChange]:
    """Store the outcomes evaluated at `now` and append the changes to the feed, in this order."""
    if outcomes:
        await tx.run("credit/set_states", states=[o.state for o in outcomes], now=now)
    if not changes:
        return []
    appended = (await tx.run("credit/append_events", events=[c.row() for c in changes], now=now))[0]
    return [replace(c, seq=seq, at_ms=appended["at"]) for c, seq in zip(changes, appended["seqs"], strict=True)]


async def evaluate_in(
    tx: Tx, ids: Sequence[str], now: int | None = None, cause: Cause = CORRECTED_RECORDS
) -> list[GradeChange]:
    """Lock, evaluate and store the grades of `ids` inside `tx`; append an event per change. `now` None: the
    clock once the locks are held (see _lock)."""
    states, at = await _lock(tx, ids, now)
    outcomes = [evaluate(state, at, cause) for state in states]
    return await _store(tx, outcomes, [o.change for o in outcomes if o.change], at)


@dataclass(frozen=True)
class Decided:
    change: GradeChange | None  # the decision's own change (a catch-up before it has its own event)
    at_ms: int  # the instant the decision was evaluated at


async def decide_in(tx: Tx, enterprise_id: str, cause: Cause, decide: Decide, now: int | None = None) -> Decided:
    """A review's or a regulator's decision on one enterprise's standing grade, inside `tx`: lock and read its
    state, catch up with listings that started or ended since its last evaluation (their own event), then apply
    `decide(state, at)`, which gives the new standing grade (None keeps it) or refuses by raising, before
    anything is stored."""
    states, at = await _lock(tx, [enterprise_id], now)
    if not states:
        raise NotFound("enterprise", enterprise_id, "enterpriseId")
    (state,) = states
    # The decision starts from the grade in force at `at`, just evaluated (so no listing counts as ended since).
    caught_up = evaluate(state, at, CORRECTED_RECORDS)
    state = replace(
        state,
        grade=CreditGrade(caught_up.state["grade"]),
        standing=CreditGrade(caught_up.state["standing"]),
        declared_seen=CreditGrade(caught_up.state["declaredSeen"]),
        checked_at_ms=at,
    )
    decided = evaluate(state, at, cause, decide(state, at))
    changes = [c for c in (caught_up.change, decided.change) if c]
    stored = await _store(tx, [decided], changes, at)
    return Decided(stored[-1] if decided.change else None, at)


async def evaluate_grades(
    graph: Graph, ids: Sequence[str], cause: Cause = CORRECTED_RECORDS, now: int | None = None
) -> list[GradeChange]:
    """Bring the grades of `ids` in line with their records (after an import, or on the sweep)."""
    changes: list[GradeChange] = []
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 1000):  # bounded transactions for large imports
        chunk = ordered[start : start + 1000]
        changes += await graph.transaction(partial(evaluate_in, ids=chunk, now=now, cause=cause))
    return changes


async def sweep(graph: Graph, now: int | None = None, also: Iterable[str] = ()) -> list[GradeChange]:
    """Re-evaluate every enterprise whose grade may have gone stale (listings that started or expired since
    their grade was last evaluated, a newly declared grade, anything a fault left half-done), and `also`.
    Which ones is read first, at `now` or the clock; each is then evaluated at `now` or the clock once it is
    locked (one that goes stale in between is the next sweep's)."""
    found_at = now if now is not None else now_ms()
    ids = [r["id"] for r in await graph.read("credit/stale_enterprises", now=found_at, limit=SWEEP_LIMIT)]
    return await evaluate_grades(graph, [*ids, *also], now=now)


async def set_grade(
    graph: Graph, enterprise_id: str, grade: CreditGrade, reason: str, by: str, now: int | None = None
) -> GradeChange | None:
    """A regulator's change of an enterprise's standing grade: its own change (None when the effective grade
    stays). A listing in force still holds the effective grade down: raising above it is refused (lift the
    listing first)."""
    reason, by = required("reason", reason), required("by", by)
    cause = Cause(EventKind.MANUAL, reason, by, {"rule": "a regulator's decision", "grade": grade.value})

    def decide(state: CreditState, at: int) -> CreditGrade:
        # Raising the standing grade under a listing in force would not show: refuse it (lowering is kept).
        raising = rank(grade) < rank(state.standing)
        holding = [lst for lst in state.in_force(at) if rank(lst.grade) > rank(grade)]
        if raising and holding:
            raise BadInput(
                "grade",
                f"enterprise {enterprise_id!r} is blacklisted ({', '.join(lst.id for lst in holding)} in force), "
                f"so its grade cannot be {grade.value}; lift the listing first",
            )
        return grade

    decided = await graph.transaction(lambda tx: decide_in(tx, enterprise_id, cause, decide, now))
    return decided.change


async def _lock_listing(tx: Tx, entry_id: str) -> Any:
    rows = await tx.run("credit/lock_listing", id=entry_id)
    if not rows:
        raise NotFound("blacklist entry", entry_id, "id")
    if rows[0]["alreadyLifted"]:
        raise BadInput("id", f"blacklist entry {entry_id!r} is already lifted")
    return rows[0]


async def _lift_locked(
    tx: Tx, entry_id: str, enterprise_id: str | None, reason: str, by: str, now: int | None
) -> GradeChange | None:
    """Lift a listing whose lock `tx` holds and repair its enterprise's grade. The enterprise is locked before
    anything is read, and the lifting is dated once both are held: no evaluation of the enterprise is later than
    the lifting it did not see."""
    _, at = await _lock(tx, [enterprise_id] if enterprise_id else [], now)
    await tx.run("credit/lift_listing", id=entry_id, now=at, by=by, reason=reason)
    changes = await evaluate_in(tx, [enterprise_id], at) if enterprise_id else []
    return changes[0] if changes else None


async def lift_in(tx: Tx, entry_id: str, reason: str, by: str, now: int | None = None) -> GradeChange | None:
    """Lift a blacklist listing inside `tx` and repair its enterprise's grade; a serious listing's lifting is only
    asked for (four eyes): the listing stays in force, and its grade, until another officer confirms
    (`confirm_lift_in`), and there is no change."""
    locked = await _lock_listing(tx, entry_id)
    if locked["serious"]:
        if locked["liftRequestedBy"] is not None:
            raise BadInput(
                "id",
                f"the lifting of blacklist entry {entry_id!r} asked for by {locked['liftRequestedBy']} awaits a "
                "second credit officer: confirmBlacklistLift",
            )
        at = now if now is not None else now_ms()
        await tx.run("credit/request_lift", id=entry_id, now=at, by=by, reason=reason)
        return None
    return await _lift_locked(tx, entry_id, locked["enterprise"], reason, by, now)


async def confirm_lift_in(tx: Tx, entry_id: str, by: str, now: int | None = None) -> GradeChange | None:
    """A second officer confirms the lifting of a serious listing asked for by another: lifted now, with the reason
    given when it was asked for, and the grade repaired. FORBIDDEN for the officer who asked."""
    locked = await _lock_listing(tx, entry_id)
    asked_by = locked["liftRequestedBy"]
    if asked_by is None:
        raise BadInput("id", f"no lifting of blacklist entry {entry_id!r} awaits a confirmation")
    if asked_by == by:
        raise Forbidden(
            f"the lifting of serious blacklist entry {entry_id!r} was asked for by {by}: a second credit officer "
            "must confirm it"
        )
    return await _lift_locked(tx, entry_id, locked["enterprise"], locked["liftRequestReason"], by, now)


async def lift_listing(graph: Graph, entry_id: str, reason: str, by: str, now: int | None = None) -> GradeChange | None:
    """A regulator lifts a blacklist listing; the enterprise's grade is repaired in the same transaction. A serious
    listing's lifting waits for a second officer (`confirm_lift`)."""
    reason, by = required("reason", reason), required("by", by)
    return await graph.transaction(lambda tx: lift_in(tx, entry_id, reason, by, now))


async def confirm_lift(graph: Graph, entry_id: str, by: str, now: int | None = None) -> GradeChange | None:
    by = required("by", by)
    return await graph.transaction(lambda tx: confirm_lift_in(tx, entry_id, by, now))


read_listing = reader(Listing, "entry")


async def listings_of(graph: Graph, ids: Sequence[str], limit: int) -> list[list[Listing]]:
    """Blacklist entries against each enterprise, newest first (a DataLoader backend)."""
    return await read_grouped(graph, "credit/listings", ids, read_listing, limit=limit)


async def listing(graph: Graph, entry_id: str) -> Listing | None:
    """A blacklist entry by id; None when unknown."""
    return (await read_by_id(graph, "credit/listings_by_id", [entry_id], read_listing))[0]
