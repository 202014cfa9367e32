"""Credit grades under concurrent writers (graph/credit.py, cypher/ingest/upsert_enterprise.cypher,
upsert_blacklist.cypher, cypher/credit/append_events.cypher).

First the three races one at a time, ordered without timing (a transaction holds its locks until the other writer
is seen queued behind them): a re-import queued behind a grade change or a lifting, and an event appended by a
transaction whose clock is behind. Then everything at once for a few seconds: regulators' decisions, re-imports of
the same records, new listings that start and expire while the test runs, lifts and sweeps. Whatever the
interleaving:

- no update is lost: a re-import never writes back credit state (a grade, a lifting) it read before another
  transaction changed it;
- the feed is a chain per enterprise: in seq order each event starts from the grade the previous one ended at
  (the first from the declared grade), and the last ends at the stored grade;
- `at` follows `seq`: an event never has an earlier `at` than an event with a lower seq;
- the final grades are a serial replay of what was decided: each enterprise's standing grade is the last
  decision accepted for it (one decider per enterprise, so that order is known), its grade the worst of that and
  of its listings in force, and a decision returns its own MANUAL change.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any, TypeVar

from graph.clock import iso, now_ms
from graph.credit import (
    CORRECTED_RECORDS,
    Cause,
    CreditState,
    EventKind,
    GradeChange,
    confirm_lift,
    decide_in,
    evaluate,
    lift_in,
    lift_listing,
    set_grade,
    sweep,
    worst,
)
from graph.credit_feed import CreditEventRecord, page
from graph.db import Graph, Tx
from graph.errors import BadInput
from graph.read_model import from_row
from graph.records import CreditGrade as G
from tests.conftest import enterprise, load, until_blocked

T = TypeVar("T")
W = TypeVar("W")

MIXING_S = 4.0  # how long the writers run together
DECLARED = {"E0": G.CERTIFIED, "E1": G.REGULAR, "E2": G.ADVANCED_CERTIFIED, "E3": G.CERTIFIED}
ENTERPRISES = [enterprise(i, creditGrade=g.value) for i, g in DECLARED.items()]
# what the deciders choose from: mostly grades above a listing, so that listings and their ends show
DECISIONS = [G.ADVANCED_CERTIFIED, G.CERTIFIED, G.CERTIFIED, G.REGULAR, G.REGULAR, G.DISHONEST]
AGENCY = {"type": "agency", "id": "A1", "name": "Agency A1", "kind": "CUSTOMS"}


async def all_events(db: Graph) -> list[CreditEventRecord]:
    events, after = [], None
    while True:
        p = await page(db, after, 1000)
        events += p.events
        after = p.end_cursor
        if not p.has_next_page:
            return events


async def stored_states(db: Graph) -> dict[str, CreditState]:
    # credit/lock_states is the statement every evaluation reads the state with (it locks; harmless here)
    async def read(tx: Tx) -> list[Any]:
        return await tx.run("credit/lock_states", ids=sorted(DECLARED))

    return {r["id"]: from_row(CreditState, r) for r in await db.transaction(read)}


async def while_queued(
    db: Graph, hold: Callable[[Tx], Awaitable[T]], waiter: Coroutine[Any, Any, W], statement: str
) -> tuple[T, W]:
    """Run `hold` in a transaction; before it commits, start `waiter` and wait until a transaction running
    `statement` (a line of its text) is blocked on a lock. Then commit, and let `waiter` finish."""
    task: asyncio.Task[W] | None = None

    async def work(tx: Tx) -> T:
        nonlocal task
        held = await hold(tx)
        if task is None:
            task = asyncio.create_task(waiter)
            await until_blocked(db, statement)
        return held

    held = await db.transaction(work)
    assert task is not None
    return held, await task


async def test_a_reimport_queued_behind_a_grade_change_keeps_the_new_grade(db):
    await load(db, *ENTERPRISES)
    cause = Cause(EventKind.MANUAL, "late filings", "inspector Li")
    decided, report = await while_queued(
        db,
        lambda tx: decide_in(tx, "E0", cause, lambda state, at: G.REGULAR),
        load(db, *ENTERPRISES),  # the same records, unchanged
        "MERGE (n:Enterprise {id: row.id})",
    )
    counts = report.by_type["enterprise"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(ENTERPRISES))
    state = (await stored_states(db))["E0"]
    assert (state.grade, state.standing) == (G.REGULAR, G.REGULAR)  # not back to CERTIFIED
    events = await all_events(db)
    assert [(e.enterprise_id, e.kind, e.from_grade, e.to_grade) for e in events] == [
        ("E0", "MANUAL", "CERTIFIED", "REGULAR")
    ]
    assert decided.change is not None and decided.change.seq == 1


async def test_a_listing_reimported_while_it_is_lifted_stays_lifted(db):
    listing = {"type": "blacklist", "id": "K1", "enterprise": "E0", "reason": "fraud", "listedAt": "2026-03-01"}
    await load(db, AGENCY, *ENTERPRISES, listing)
    lifted, report = await while_queued(
        db,
        lambda tx: lift_in(tx, "K1", "appeal upheld", "inspector Wang"),
        load(db, listing),  # the same record, unchanged
        "MERGE (n:BlacklistEntry {id: row.id})",
    )
    assert report.by_type["blacklist"].unchanged == 1
    entry = (await db.read("credit/listings_by_id", ids=["K1"]))[0]["entry"]
    assert entry["liftedBy"] == "inspector Wang"
    events = await all_events(db)
    assert [(e.kind, e.from_grade, e.to_grade) for e in events] == [
        ("BLACKLIST", "CERTIFIED", "DISHONEST"),
        ("CREDIT_REPAIR", "DISHONEST", "CERTIFIED"),  # and not imposed again by the re-import's sweep
    ]
    assert lifted is not None and lifted.seq == 2
    assert (await stored_states(db))["E0"].grade == G.CERTIFIED


async def test_at_never_goes_back_along_seq_even_when_a_writers_clock_does(db):
    # E1's decision is appended after E0's but was evaluated at an earlier instant (a slower clock, or a
    # transaction that read its clock before queueing): its `at` is E0's, not earlier
    await load(db, *ENTERPRISES)
    first = await set_grade(db, "E0", G.REGULAR, "late filings", "inspector Li", now=1_900_000_001_000)
    second = await set_grade(db, "E1", G.CERTIFIED, "audited", "inspector Li", now=1_900_000_000_000)
    assert (first.seq, first.at_ms) == (1, 1_900_000_001_000)
    assert (second.seq, second.at_ms) == (2, 1_900_000_001_000)
    assert [e.at for e in await all_events(db)] == [datetime.fromtimestamp(1_900_000_001, UTC)] * 2
    assert (await stored_states(db))["E1"].checked_at_ms == 1_900_000_000_000  # evaluated at its own instant
    later = await set_grade(db, "E1", G.REGULAR, "late filings", "inspector Li", now=1_900_000_002_000)
    assert later.at_ms == 1_900_000_002_000


async def test_concurrent_decisions_imports_lifts_and_sweeps_lose_no_update_and_keep_the_chain(db):
    await load(db, AGENCY, *ENTERPRISES)
    rng = random.Random(20261201)
    deadline = time.monotonic() + MIXING_S
    horizon = now_ms() + int(MIXING_S * 1000) - 500  # every listing has started and ended by the end of mixing
    listings: dict[str, dict[str, Any]] = {}  # imported listing records, by id
    lifted: set[str] = set()
    accepted: dict[str, list[G]] = {i: [] for i in DECLARED}  # each decider's accepted decisions, in order
    returned: list[GradeChange] = []
    reimports = 0

    def mixing() -> bool:
        return time.monotonic() < deadline

    async def decider(enterprise_id: str) -> None:  # the only one deciding this enterprise: its order is known
        n = 0
        while mixing():
            grade, n = rng.choice(DECISIONS), n + 1
            try:
                change = await set_grade(db, enterprise_id, grade, f"decision {n}", "inspector Li")
            except BadInput:  # a raise above a listing in force: refused, nothing written
                continue
            accepted[enterprise_id].append(grade)
            if change is not None:
                returned.append(change)

    async def reimporter() -> None:  # the same records again: every one unchanged
        nonlocal reimports
        while mixing():
            again = list(listings.values())
            report = await load(db, *ENTERPRISES, *again)
            counts = report.by_type["enterprise"]
            assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(ENTERPRISES))
            if again:
                counts = report.by_type["blacklist"]
                assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(again))
            reimports += 1

    async def lister() -> None:  # new listings, some in force now, some starting or expiring within the mixing
        k = 0
        while mixing():
            records = []
            for enterprise_id in rng.sample(list(DECLARED), 2):
                now = now_ms()
                start = now - 1000 if rng.random() < 0.5 else min(now + rng.randint(50, 800), horizon - 1)
                record = {
                    "type": "blacklist",
                    "id": f"K{k}",
                    "enterprise": enterprise_id,
                    "agency": "A1",
                    "reason": f"fraud {k}",
                    "listedAt": iso(start),
                    "serious": rng.random() < 0.3,
                }
                if rng.random() < 0.5 and start + 1 < horizon:
                    record["expiresAt"] = iso(min(start + rng.randint(100, 1500), horizon))
                records.append(record)
                k += 1
            await load(db, *records)
            listings.update((r["id"], r) for r in records)
            await asyncio.sleep(0.05)

    async def lifter() -> None:
        while mixing():
            candidates = sorted(set(listings) - lifted)
            if not candidates:
                await asyncio.sleep(0.05)
                continue
            entry = rng.choice(candidates)
            lifted.add(entry)
            await lift_listing(db, entry, "appeal upheld", "inspector Wang")
            if listings[entry]["serious"]:  # four eyes: a second officer confirms a serious listing's lifting
                await confirm_lift(db, entry, "inspector Zhao")
            await asyncio.sleep(0.3)

    async def sweeper() -> None:
        while mixing():
            await sweep(db)

    await asyncio.gather(
        *(decider(i) for i in DECLARED), reimporter(), reimporter(), lister(), lifter(), sweeper(), sweeper()
    )
    await asyncio.sleep(max(0, horizon + 1 - now_ms()) / 1000)  # every start and expiry has passed: one sweep
    await sweep(db)

    assert reimports >= 2 and len(listings) >= 2 and lifted and returned, "the writers should have overlapped"
    events = await all_events(db)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    states = await stored_states(db)
    problems: dict[str, list[Any]] = {}  # every kind of breach at once, so one run shows them all

    # `at` follows `seq`
    problems["at earlier than the previous seq's"] = [(a.seq, b.seq) for a, b in pairwise(events) if b.at < a.at]

    # no lifting lost: every listing lifted stays lifted, whatever was re-imported meanwhile
    rows = await db.read("credit/listings_by_id", ids=sorted(lifted))
    problems["lifting lost"] = sorted(r["entry"]["id"] for r in rows if r["entry"].get("liftedAtMs") is None)

    # the chain: each enterprise's events, in seq order, from its declared grade to its stored grade
    problems["chain break"] = []
    for enterprise_id, declared in DECLARED.items():
        grade = declared.value
        for e in (e for e in events if e.enterprise_id == enterprise_id):
            if e.from_grade != grade:
                problems["chain break"].append((enterprise_id, e.seq, f"{grade} then {e.from_grade}"))
            grade = e.to_grade
        if states[enterprise_id].grade.value != grade:
            problems["chain break"].append((enterprise_id, "stored", f"{grade} then {states[enterprise_id].grade}"))

    # a serial replay: standing = the last decision accepted (or the declared grade); grade = the worst of it and of
    # the listings in force now; and the stored state needs no further change
    problems["not the serial replay"] = []
    now = now_ms()
    for enterprise_id, state in states.items():
        standing = accepted[enterprise_id][-1] if accepted[enterprise_id] else DECLARED[enterprise_id]
        grade = worst(standing, *(listing.grade for listing in state.in_force(now)))
        if (state.standing, state.grade) != (standing, grade) or evaluate(state, now, CORRECTED_RECORDS).change:
            problems["not the serial replay"].append((enterprise_id, state.standing, state.grade, standing, grade))

    # each decision returned its own change, as the feed holds it
    by_seq = {e.seq: e for e in events}
    problems["a decision returned another change"] = [
        (c.seq, c.kind, by_seq[c.seq].kind)
        for c in returned
        if c.kind != EventKind.MANUAL
        or (by_seq[c.seq].enterprise_id, by_seq[c.seq].kind, by_seq[c.seq].from_grade, by_seq[c.seq].to_grade)
        != (c.enterprise, c.kind.value, c.from_grade.value, c.to_grade.value)
    ]
    found = {kind: (len(cases), cases[:5]) for kind, cases in problems.items() if cases}
    assert not found, f"(how many, the first five) of each: {found}"
