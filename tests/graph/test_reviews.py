"""Downgrade reviews: contagion only asks a person to look. Opening reviews never changes a grade; an approval
lowers the effective grade by exactly one step with a DOWNGRADE_REVIEW credit event carrying the review's
evidence snapshot; a rejection records its reason and changes nothing else; a review is decided once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph import contagion as cg
from graph import credit, credit_feed, reviews
from graph.contagion import ContagionPath, Hop
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.lookup import enterprises
from graph.reviews import ReviewStatus
from seed.builders import blacklist, link, person
from tests.conftest import enterprise, load


def network(a_grade: str | None = None) -> tuple[dict[str, Any], ...]:
    """X is blacklisted; the others are exposed to it (source X only, hand-computed best path products):
    A   X holds 0.6 of A: CONTROL                         0.8       -> DOWNGRADE_REVIEW
    E   PER1 is legal representative of X and of E          0.6       -> DOWNGRADE_REVIEW (at the threshold)
    F   A holds 0.7 of F: X -CONTROL- A -CONTROL- F         0.8*0.8 = 0.64 at 2 hops -> DOWNGRADE_REVIEW
    D   A holds 0.3 of D: X -CONTROL- A -SHAREHOLDING- D    0.8*0.5 = 0.4  -> RAISED_INSPECTION
    C   X holds 0.1 of C: MINOR_SHARE                        0.2       -> INFORMATION
    """
    a = enterprise("A", creditGrade=a_grade) if a_grade else enterprise("A")
    return (
        enterprise("X"),
        a,
        enterprise("E"),
        enterprise("F"),
        enterprise("D"),
        enterprise("C"),
        person("PER1"),
        link("SHAREHOLDER", "X", "A", 0.6),
        link("LEGAL_REPRESENTATIVE", "PER1", "X"),
        link("LEGAL_REPRESENTATIVE", "PER1", "E"),
        link("SHAREHOLDER", "A", "F", 0.7),
        link("SHAREHOLDER", "A", "D", 0.3),
        link("SHAREHOLDER", "X", "C", 0.1),
        blacklist("K1", "X"),
    )


def path(source: str, score: float, *hops: Hop) -> ContagionPath:
    return ContagionPath(source_id=source, score=score, hops=hops)


def hop(a: str, b: str, kind: str, weight: float, via: str | None = None) -> Hop:
    return Hop(from_id=a, to_id=b, kind=kind, weight=weight, via=via)


# The evidence each review must snapshot, written out by hand from the network above.
A_PATHS = (path("X", 0.8, hop("X", "A", "CONTROL", 0.8)),)
E_PATHS = (path("X", 0.6, hop("X", "E", "SHARED_PERSON", 0.6, "PER1")),)
F_PATHS = (path("X", 0.64, hop("X", "A", "CONTROL", 0.8), hop("A", "F", "CONTROL", 0.8)),)
A_PATHS_JSON = [
    {"source": "X", "score": 0.8, "hops": [{"from": "X", "to": "A", "kind": "CONTROL", "weight": 0.8, "via": None}]}
]


async def grade(db: Graph, id: str) -> str:
    node = (await enterprises(db, [id]))[0]
    assert node is not None
    return node.credit_grade


async def grades(db: Graph, *ids: str) -> dict[str, str]:
    return {n.id: n.credit_grade for n in await enterprises(db, ids) if n is not None}


async def events(db: Graph) -> list[credit_feed.CreditEventRecord]:
    return (await credit_feed.page(db, None, 1000)).events


async def review_of(db: Graph, enterprise_id: str) -> reviews.Review:
    """The only review of an enterprise."""
    (found,) = (await reviews.of_enterprises(db, [enterprise_id], 100))[0]
    return found


async def opened_for(db: Graph, enterprise_id: str, **kwargs: Any) -> reviews.Review:
    """Open reviews (default: every blacklisted source) and return the one just opened for `enterprise_id`."""
    result = await reviews.open_reviews(db, "inspector-1", **kwargs)
    return next(r for r in result.opened if r.enterprise_id == enterprise_id)


# --- opening -------------------------------------------------------------------------------------------------------


async def test_opening_opens_one_review_per_downgrade_review_exposure_only(db):
    await load(db, *network())
    result = await reviews.open_reviews(db, "inspector-1")
    # A 0.8, E 0.6 and F 0.64 call for a review; D (0.4, raised inspection) and C (0.2, information) do not.
    assert sorted(r.enterprise_id for r in result.opened) == ["A", "E", "F"]
    assert result.already_open == []
    for r in result.opened:
        assert r.status == ReviewStatus.OPEN
        assert r.action == "DOWNGRADE_REVIEW"
        assert r.opened_by == "inspector-1"
        assert r.sources == ["X"]
        assert r.max_hops == 3
        assert r.grade_at_opening == "REGULAR"
        assert (r.decided_at, r.decided_by, r.decision_reason, r.credit_event_seq) == (None, None, None, None)
    assert {r.enterprise_id: r.score for r in result.opened} == {"A": 0.8, "E": 0.6, "F": 0.64}
    assert len({r.id for r in result.opened}) == 3
    assert await reviews.of_enterprises(db, ["D", "C", "X"], 100) == [[], [], []]


async def test_each_review_keeps_a_snapshot_of_its_exposures_evidence(db):
    await load(db, *network())
    result = await reviews.open_reviews(db, "inspector-1")
    snapshots = {r.enterprise_id: r.evidence for r in result.opened}
    assert snapshots == {"A": A_PATHS, "E": E_PATHS, "F": F_PATHS}
    # ... which is exactly what contagion shows for those enterprises
    exposed = {e.enterprise: e.evidence for e in await cg.contagion(db, None)}
    assert {k: exposed[k] for k in snapshots} == snapshots
    # ... and what is stored (read back from the graph, not the opening call's answer)
    stored = await reviews.by_ids(db, [r.id for r in result.opened])
    assert {r.enterprise_id: r.evidence for r in stored if r} == snapshots


async def test_opening_reviews_downgrades_nobody_and_writes_no_credit_event(db):
    await load(db, *network())
    before_grades = await grades(db, "X", "A", "E", "F", "D", "C")
    before_events = await events(db)
    assert [(e.enterprise_id, e.kind) for e in before_events] == [("X", "BLACKLIST")]  # the listing itself
    await reviews.open_reviews(db, "inspector-1")
    await reviews.open_reviews(db, "inspector-2")
    assert await grades(db, "X", "A", "E", "F", "D", "C") == before_grades
    assert before_grades == dict(X="DISHONEST", A="REGULAR", E="REGULAR", F="REGULAR", D="REGULAR", C="REGULAR")
    assert await events(db) == before_events


async def test_opening_again_reports_the_open_reviews_and_duplicates_none(db):
    await load(db, *network())
    first = await reviews.open_reviews(db, "inspector-1")
    second = await reviews.open_reviews(db, "inspector-2")
    assert second.opened == []
    assert sorted(r.id for r in second.already_open) == sorted(r.id for r in first.opened)
    # the reviews reported as already open are the originals, opened by the first inspector
    assert {r.opened_by for r in second.already_open} == {"inspector-1"}
    assert len(await reviews.listing(db, None, 1000)) == 3


async def test_concurrent_openings_never_leave_two_open_reviews_for_an_enterprise(db):
    await load(db, *network())
    results = await asyncio.gather(*(reviews.open_reviews(db, f"inspector-{i}") for i in range(4)))
    opened = [r for res in results for r in res.opened]
    assert sorted(r.enterprise_id for r in opened) == ["A", "E", "F"]
    every = await reviews.listing(db, ReviewStatus.OPEN, 1000)
    assert sorted(r.enterprise_id for r in every) == ["A", "E", "F"]


async def test_a_new_review_can_open_once_the_previous_one_is_decided(db):
    await load(db, *network())
    first = await opened_for(db, "A")
    await reviews.reject(db, first.id, "officer-1", "ownership was transferred last month")
    again = await reviews.open_reviews(db, "inspector-2")
    new = next(r for r in again.opened if r.enterprise_id == "A")
    assert new.id != first.id
    assert new.status == ReviewStatus.OPEN
    assert {r.enterprise_id for r in again.already_open} == {"E", "F"}  # still open from the first round
    history = {r.id: r.status for r in (await reviews.of_enterprises(db, ["A"], 100))[0]}
    assert history == {first.id: ReviewStatus.REJECTED, new.id: ReviewStatus.OPEN}


async def test_after_an_approval_the_same_evidence_opens_no_new_review(db):
    await load(db, *network())
    first = await opened_for(db, "A", source_ids=["X"])
    approved = await reviews.approve(db, first.id, "officer-1", "controlled by a blacklisted parent")
    assert await grade(db, "A") == "DISHONEST"
    again = await reviews.open_reviews(db, "inspector-2", ["X"])
    # A's exposure (X -CONTROL- A, 0.8) is exactly what the approval weighed: no second downgrade on it.
    assert [r.enterprise_id for r in again.opened] == []
    assert [(r.id, r.status, r.enterprise_id) for r in again.skipped] == [(approved.id, ReviewStatus.APPROVED, "A")]
    assert {r.enterprise_id for r in again.already_open} == {"E", "F"}
    history = {r.id: r.status for r in (await reviews.of_enterprises(db, ["A"], 100))[0]}
    assert history == {first.id: ReviewStatus.APPROVED}
    assert await grade(db, "A") == "DISHONEST"


async def test_after_an_approval_new_evidence_opens_a_new_review(db):
    await load(db, *network())
    first = await opened_for(db, "A", source_ids=["X"])
    await reviews.approve(db, first.id, "officer-1", "controlled by a blacklisted parent")
    # Y, newly blacklisted, also holds a controlling share of A: a new source, a new tie, a higher score.
    await load(db, enterprise("Y"), link("SHAREHOLDER", "Y", "A", 0.3), blacklist("K2", "Y"))
    again = await reviews.open_reviews(db, "inspector-2", ["X", "Y"])
    new = next(r for r in again.opened if r.enterprise_id == "A")
    assert new.id != first.id and new.sources == ["X", "Y"]
    assert "A" not in {r.enterprise_id for r in again.skipped}


async def test_after_an_approval_a_new_tie_from_the_same_source_opens_a_new_review(db):
    await load(db, *network())
    first = await opened_for(db, "F", source_ids=["X"])
    await reviews.approve(db, first.id, "officer-1", "controlled through A")
    # X now controls F directly: the same source, but a tie the approval never weighed.
    await load(db, link("SHAREHOLDER", "X", "F", 0.6))
    again = await reviews.open_reviews(db, "inspector-2", ["X"])
    new = next(r for r in again.opened if r.enterprise_id == "F")
    assert new.sources == ["X"]
    assert [(h.from_id, h.to_id, h.kind) for p in new.evidence for h in p.hops] == [("X", "F", "CONTROL")]


async def test_opening_from_given_sources_within_max_hops(db):
    await load(db, *network())
    result = await reviews.open_reviews(db, "inspector-1", ["X"], max_hops=1)
    # F (0.64) is two hops from X: out of reach with maxHops 1
    assert sorted(r.enterprise_id for r in result.opened) == ["A", "E"]
    assert {r.max_hops for r in result.opened} == {1}


async def test_sources_given_explicitly_need_not_be_blacklisted(db):
    await load(db, enterprise("S"), enterprise("T"), link("SHAREHOLDER", "S", "T", 0.5))
    assert await reviews.open_reviews(db, "inspector-1") == reviews.Opened([], [])  # nobody is blacklisted
    result = await reviews.open_reviews(db, "inspector-1", ["S"])
    # S holds 0.5 of T: CONTROL, 0.8
    assert [(r.enterprise_id, r.score, r.sources) for r in result.opened] == [("T", 0.8, ["S"])]


async def test_opening_from_an_unknown_source_is_not_found(db):
    await load(db, *network())
    with pytest.raises(NotFound):
        await reviews.open_reviews(db, "inspector-1", ["NOPE"])
    assert await reviews.listing(db, None, 100) == []


@pytest.mark.parametrize("by", ["", "   "])
async def test_opening_needs_a_named_decider(db, by):
    await load(db, *network())
    with pytest.raises(BadInput) as caught:
        await reviews.open_reviews(db, by)
    assert caught.value.argument == "by"
    assert await reviews.listing(db, None, 100) == []


# --- approving -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("ADVANCED_CERTIFIED", "CERTIFIED"),
        ("CERTIFIED", "REGULAR"),
        ("REGULAR", "DISHONEST"),
        ("DISHONEST", "SERIOUSLY_DISHONEST"),
    ],
)
async def test_approval_lowers_the_grade_by_exactly_one_step(db, declared, expected):
    await load(db, *network(a_grade=declared))
    review = await opened_for(db, "A")
    assert review.grade_at_opening == declared
    await reviews.approve(db, review.id, "officer-1", "confirmed control by X")
    assert await grade(db, "A") == expected
    assert await grades(db, "E", "F") == {"E": "REGULAR", "F": "REGULAR"}  # only the approved review counts


async def test_approval_writes_a_downgrade_event_with_the_reviews_evidence(db):
    await load(db, *network())
    review = await opened_for(db, "A")
    decided = await reviews.approve(db, review.id, " officer-1 ", "confirmed control by X")
    (listing_event, event) = await events(db)
    assert (listing_event.seq, listing_event.enterprise_id, listing_event.kind) == (1, "X", "BLACKLIST")
    assert event.seq == 2
    assert (event.enterprise_id, event.from_grade, event.to_grade, event.kind) == (
        "A",
        "REGULAR",
        "DISHONEST",
        "DOWNGRADE_REVIEW",
    )
    assert event.decided_by == "officer-1"  # trimmed
    assert review.id in event.reason
    assert "confirmed control by X" in event.reason
    assert event.evidence == {
        "rule": reviews.DOWNGRADE_RULE,
        "review": review.id,
        "score": 0.8,
        "paths": A_PATHS_JSON,
        "standingGrade": "DISHONEST",
    }
    assert decided.status == ReviewStatus.APPROVED
    assert decided.credit_event_seq == 2
    assert decided.decided_by == "officer-1"
    assert decided.decision_reason == "confirmed control by X"
    assert decided.decided_at is not None
    assert decided.evidence == A_PATHS  # the snapshot is kept
    stored = (await reviews.by_ids(db, [review.id]))[0]
    assert stored == decided


async def test_approval_uses_the_snapshot_even_when_the_network_changed_since_opening(db):
    await load(db, *network())
    review = await opened_for(db, "A")
    # X's stake in A drops to 0.1 after the review opened: the tie is now a MINOR_SHARE (0.2)
    await load(db, link("SHAREHOLDER", "X", "A", 0.1))
    assert {e.enterprise: e.score for e in await cg.contagion(db, None)}["A"] == 0.2
    await reviews.approve(db, review.id, "officer-1", "the control was real when it mattered")
    event = (await events(db))[-1]
    assert event.evidence["paths"] == A_PATHS_JSON
    assert event.evidence["score"] == 0.8


async def test_approval_steps_down_from_the_effective_grade_not_the_standing_one(db):
    # Y is itself listed (effective DISHONEST over a standing REGULAR) and X controls it (share 0.9: 0.8).
    await load(db, *network(), enterprise("Y"), blacklist("K2", "Y"), link("SHAREHOLDER", "X", "Y", 0.9))
    assert await grade(db, "Y") == "DISHONEST"
    # with every blacklisted enterprise as a source Y is a source, not exposed; from X alone it is exposed
    review = await opened_for(db, "Y", source_ids=["X"])
    assert review.grade_at_opening == "DISHONEST"
    await reviews.approve(db, review.id, "officer-1", "X runs Y")
    assert await grade(db, "Y") == "SERIOUSLY_DISHONEST"  # one step below DISHONEST
    event = (await events(db))[-1]
    assert (event.from_grade, event.to_grade, event.kind) == ("DISHONEST", "SERIOUSLY_DISHONEST", "DOWNGRADE_REVIEW")
    # lifting Y's listing repairs nothing: the approved downgrade holds the grade now
    await credit.lift_listing(db, "K2", "listing was a clerical error", "officer-2")
    assert await grade(db, "Y") == "SERIOUSLY_DISHONEST"


async def test_approval_at_the_lowest_grade_is_refused_and_the_review_stays_open(db):
    await load(db, *network(a_grade="SERIOUSLY_DISHONEST"))
    review = await opened_for(db, "A")
    before = await events(db)
    with pytest.raises(BadInput) as caught:
        await reviews.approve(db, review.id, "officer-1", "confirmed")
    assert caught.value.argument == "id"
    assert "SERIOUSLY_DISHONEST" in str(caught.value)
    assert await grade(db, "A") == "SERIOUSLY_DISHONEST"
    assert await events(db) == before
    assert (await reviews.by_ids(db, [review.id]))[0].status == ReviewStatus.OPEN
    # it can still be rejected
    rejected = await reviews.reject(db, review.id, "officer-1", "nothing lower to go to")
    assert rejected.status == ReviewStatus.REJECTED


# --- rejecting -----------------------------------------------------------------------------------------------------


async def test_rejection_keeps_the_reason_and_changes_no_grade(db):
    await load(db, *network())
    review = await opened_for(db, "A")
    before = await events(db)
    decided = await reviews.reject(db, review.id, "officer-1", "X sold its stake in A before the listing")
    assert decided.status == ReviewStatus.REJECTED
    assert decided.decision_reason == "X sold its stake in A before the listing"
    assert decided.decided_by == "officer-1"
    assert decided.decided_at is not None
    assert decided.credit_event_seq is None
    assert decided.evidence == A_PATHS
    assert await grade(db, "A") == "REGULAR"
    assert await events(db) == before
    assert (await reviews.by_ids(db, [review.id]))[0] == decided


# --- deciding once, and refusals -----------------------------------------------------------------------------------


DECISIONS = {"approve": reviews.approve, "reject": reviews.reject}


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
async def test_a_decided_review_cannot_be_decided_again(db, first, second):
    await load(db, *network())
    review = await opened_for(db, "A")
    decided = await DECISIONS[first](db, review.id, "officer-1", "first decision")
    grade_after_first, events_after_first = await grade(db, "A"), await events(db)
    with pytest.raises(BadInput) as caught:
        await DECISIONS[second](db, review.id, "officer-2", "second decision")
    assert caught.value.argument == "id"
    assert decided.status.value in str(caught.value)
    assert (await reviews.by_ids(db, [review.id]))[0] == decided
    assert await grade(db, "A") == grade_after_first
    assert await events(db) == events_after_first


async def test_concurrent_approvals_lower_the_grade_once(db):
    await load(db, *network())
    review = await opened_for(db, "A")
    outcomes = await asyncio.gather(
        *(reviews.approve(db, review.id, f"officer-{i}", "confirmed") for i in range(3)), return_exceptions=True
    )
    assert sum(isinstance(o, reviews.Review) for o in outcomes) == 1
    assert all(isinstance(o, BadInput) for o in outcomes if not isinstance(o, reviews.Review))
    assert await grade(db, "A") == "DISHONEST"  # one step, not three
    assert [e.kind for e in await events(db)] == ["BLACKLIST", "DOWNGRADE_REVIEW"]


@pytest.mark.parametrize("decide", ["approve", "reject"])
async def test_deciding_an_unknown_review_is_not_found(db, decide):
    await load(db, *network())
    with pytest.raises(NotFound) as caught:
        await DECISIONS[decide](db, "DR-20260301-NOSUCHREVW", "officer-1", "confirmed")
    assert caught.value.ident == "DR-20260301-NOSUCHREVW"
    assert caught.value.argument == "id"


@pytest.mark.parametrize("decide", ["approve", "reject"])
@pytest.mark.parametrize(("by", "reason", "argument"), [("", "ok", "by"), ("  ", "ok", "by"), ("o-1", " ", "reason")])
async def test_a_decision_needs_a_decider_and_a_reason(db, decide, by, reason, argument):
    await load(db, *network())
    review = await opened_for(db, "A")
    with pytest.raises(BadInput) as caught:
        await DECISIONS[decide](db, review.id, by, reason)
    assert caught.value.argument == argument
    assert (await reviews.by_ids(db, [review.id]))[0].status == ReviewStatus.OPEN
    assert await grade(db, "A") == "REGULAR"


# --- multiple sources, argument checks, grades gone stale ----------------------------------------------------------


async def test_a_review_keeps_one_evidence_path_per_source(db):
    # Q is held 0.3 by X and 0.3 by Y (SHAREHOLDING 0.5 each): 1 - (1 - 0.5) * (1 - 0.5) = 0.75
    # while a lone SHAREHOLDING (0.5) would only raise inspection.
    await load(
        db,
        enterprise("X"),
        enterprise("Y"),
        enterprise("Q"),
        link("SHAREHOLDER", "X", "Q", 0.3),
        link("SHAREHOLDER", "Y", "Q", 0.3),
        blacklist("K1", "X"),
        blacklist("K2", "Y"),
    )
    result = await reviews.open_reviews(db, "inspector-1")
    [review] = result.opened
    assert (review.enterprise_id, review.score, review.sources) == ("Q", 0.75, ["X", "Y"])
    assert review.evidence == (
        path("X", 0.5, hop("X", "Q", "SHAREHOLDING", 0.5)),
        path("Y", 0.5, hop("Y", "Q", "SHAREHOLDING", 0.5)),
    )
    assert await reviews.open_reviews(db, "inspector-1", ["X"]) == reviews.Opened([], [])  # 0.5 from X alone


@pytest.mark.parametrize("max_hops", [0, 7])
async def test_opening_refuses_max_hops_outside_1_to_6(db, max_hops):
    await load(db, *network())
    with pytest.raises(BadInput) as caught:
        await reviews.open_reviews(db, "inspector-1", max_hops=max_hops)
    assert caught.value.argument == "maxHops"


def _iso_in(seconds: int) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)
    return moment.isoformat()


async def test_approval_steps_down_from_the_grade_in_force_when_a_listing_expired_since_the_last_sweep(db):
    # A (REGULAR) is listed until ~2 s from now: DISHONEST meanwhile; X controls A (0.8).
    await load(db, *network(), {**blacklist("K2", "A"), "expiresAt": _iso_in(2)})
    assert await grade(db, "A") == "DISHONEST"
    review = await opened_for(db, "A", source_ids=["X"])
    await asyncio.sleep(3)  # K2 has expired; no sweep has run
    await reviews.approve(db, review.id, "officer-1", "X controls A")
    # in force at the decision: REGULAR (standing) -> one step -> DISHONEST
    assert await grade(db, "A") == "DISHONEST"


async def test_approval_records_its_own_event_when_a_listing_started_since_the_last_sweep(db):
    # A's own listing K2 starts on 2099-03-01 and no sweep has run when the review is approved the next day: the
    # approval catches up first (BLACKLIST, REGULAR -> DISHONEST), then steps down from DISHONEST, and the review
    # records that second event, its own
    await load(db, *network(), {**blacklist("K2", "A"), "listedAt": "2099-03-01"})
    review = await opened_for(db, "A", source_ids=["X"])
    day_after = int(datetime(2099, 3, 2, tzinfo=UTC).timestamp() * 1000)
    decided = await reviews.approve(db, review.id, "officer-1", "X controls A", now=day_after)
    catch_up, own = [e for e in await events(db) if e.enterprise_id == "A"]
    assert (catch_up.kind, catch_up.from_grade, catch_up.to_grade) == ("BLACKLIST", "REGULAR", "DISHONEST")
    assert (own.kind, own.from_grade, own.to_grade) == ("DOWNGRADE_REVIEW", "DISHONEST", "SERIOUSLY_DISHONEST")
    assert decided.credit_event_seq == own.seq
    assert decided.decided_at == datetime(2099, 3, 2, tzinfo=UTC)
    assert await grade(db, "A") == "SERIOUSLY_DISHONEST"
