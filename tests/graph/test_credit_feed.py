"""The credit-event feed (graph/credit_feed.py, contract/core.graphql creditEvents): every grade change once, in
commit order, seq 1, 2, 3, ... without gaps; paging with after: endCursor never skips nor repeats an event, also
while other transactions commit events; malformed cursors and page sizes are refused naming the argument."""

from __future__ import annotations

import asyncio
import base64
from itertools import pairwise
from typing import Any

import pytest

from graph.credit import set_grade, sweep
from graph.credit_feed import CreditEventPage, history, page
from graph.db import Graph
from graph.errors import BadInput
from graph.records import CreditGrade as G
from tests.conftest import enterprise, load

CE, RE = G.CERTIFIED, G.REGULAR


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def row(e: Any) -> tuple[Any, ...]:
    return (e.seq, e.enterprise_id, e.from_grade, e.to_grade, e.kind, e.reason, e.decided_by)


async def read_all(graph: Graph, first: int, after: str | None = None) -> tuple[list[CreditEventPage], str | None]:
    """Every page from `after` to the end; and the cursor to resume from."""
    pages = []
    while True:
        p = await page(graph, after, first)
        pages.append(p)
        after = p.end_cursor
        if not p.has_next_page:
            return pages, after


async def toggle(graph: Graph, ids: list[str], rounds: int) -> list[tuple[str, str, str]]:
    """`rounds` passes over `ids`, each switching the grade REGULAR -> CERTIFIED -> REGULAR ...: one event per call.
    Returns (enterprise, from, to) in the order the events were written."""
    written = []
    for r in range(rounds):
        to, was = (CE, RE) if r % 2 == 0 else (RE, CE)
        for i in ids:
            change = await set_grade(graph, i, to, f"round {r}", "inspector Li")
            assert change is not None
            written.append((i, was.value, to.value))
    return written


ENTERPRISES = [f"E{i:02d}" for i in range(10)]


@pytest.fixture
async def graded(db: Graph) -> Graph:
    await load(db, *(enterprise(i) for i in ENTERPRISES))
    return db


# --- paging --------------------------------------------------------------------------------------------------------


async def test_an_empty_feed_is_one_empty_last_page(db):
    p = await page(db, None, 100)
    assert (p.events, p.end_cursor, p.has_next_page) == ((), None, False)


@pytest.mark.parametrize(("first", "pages"), [(1, 40), (3, 14), (7, 6), (39, 2), (40, 1), (41, 1), (1000, 1)])
async def test_small_pages_give_every_event_once_in_seq_order(graded, first, pages):
    written = await toggle(graded, ENTERPRISES, rounds=4)  # 40 events
    got, _ = await read_all(graded, first)
    assert len(got) == pages
    events = [e for p in got for e in p.events]
    assert [e.seq for e in events] == list(range(1, 41))
    assert [(e.enterprise_id, e.from_grade, e.to_grade) for e in events] == written
    assert {e.kind for e in events} == {"MANUAL"}
    assert [p.has_next_page for p in got] == [True] * (pages - 1) + [False]
    assert all(len(p.events) == first for p in got[:-1])
    # each page's endCursor is where the next one starts: resuming from it gives the rest
    for i, p in enumerate(got[:-1]):
        rest, _ = await read_all(graded, 1000, p.end_cursor)
        assert [e.seq for q in rest for e in q.events] == list(range((i + 1) * first + 1, 41))


async def test_the_page_that_ends_exactly_at_the_last_event_has_no_next_page(graded):
    await toggle(graded, ENTERPRISES[:6], rounds=1)  # 6 events
    first = await page(graded, None, 3)
    second = await page(graded, first.end_cursor, 3)
    assert ([e.seq for e in first.events], first.has_next_page) == ([1, 2, 3], True)
    assert ([e.seq for e in second.events], second.has_next_page) == ([4, 5, 6], False)


async def test_an_empty_page_keeps_the_given_cursor_and_has_no_next_page(graded):
    await toggle(graded, ENTERPRISES[:2], rounds=1)
    end = (await page(graded, None, 10)).end_cursor
    empty = await page(graded, end, 10)
    assert (empty.events, empty.end_cursor, empty.has_next_page) == ((), end, False)
    again = await page(graded, empty.end_cursor, 1)
    assert (again.events, again.end_cursor, again.has_next_page) == ((), end, False)


async def test_events_committed_between_two_pages_are_on_the_next_page(graded):
    await toggle(graded, ENTERPRISES[:5], rounds=1)  # seq 1..5
    first = await page(graded, None, 3)
    assert [e.seq for e in first.events] == [1, 2, 3]
    await toggle(graded, ENTERPRISES[5:7], rounds=1)  # seq 6, 7
    second = await page(graded, first.end_cursor, 3)
    assert [(e.seq, e.enterprise_id) for e in second.events] == [(4, "E03"), (5, "E04"), (6, "E05")]
    assert second.has_next_page is True
    third = await page(graded, second.end_cursor, 3)
    assert ([(e.seq, e.enterprise_id) for e in third.events], third.has_next_page) == ([(7, "E06")], False)

    # caught up: the empty page's cursor picks up what commits later
    caught_up = await page(graded, third.end_cursor, 3)
    assert caught_up.events == () and caught_up.end_cursor == third.end_cursor
    await set_grade(graded, "E09", CE, "audited", "inspector Li")  # seq 8
    later = await page(graded, caught_up.end_cursor, 3)
    assert [(e.seq, e.enterprise_id, e.from_grade, e.to_grade) for e in later.events] == [
        (8, "E09", "REGULAR", "CERTIFIED")
    ]
    assert later.has_next_page is False


async def test_events_written_by_imports_are_in_the_feed_with_their_content(db):
    await load(
        db,
        enterprise("X", creditGrade="CERTIFIED"),
        {"type": "blacklist", "id": "K1", "enterprise": "X", "reason": "fraud", "listedAt": "2030-03-01"},
    )
    await set_grade(db, "X", G.SERIOUSLY_DISHONEST, "forged certificates", "inspector Li", now=1_900_000_000_000)
    p = await page(db, None, 10)
    assert [(e.seq, e.enterprise_id, e.from_grade, e.to_grade, e.kind) for e in p.events] == [
        (1, "X", "CERTIFIED", "DISHONEST", "BLACKLIST"),
        (2, "X", "DISHONEST", "SERIOUSLY_DISHONEST", "MANUAL"),
    ]
    manual = p.events[1]
    assert (manual.reason, manual.decided_by) == ("forged certificates", "inspector Li")
    assert manual.evidence["grade"] == "SERIOUSLY_DISHONEST"
    assert manual.at.isoformat() == "2030-03-17T17:46:40+00:00"  # 1_900_000_000_000 ms
    assert [listing["id"] for listing in p.events[0].evidence["listings"]] == ["K1"]


async def test_each_event_has_the_legal_date_of_its_act_beside_its_commit_time(db):
    day = 86_400_000
    listed_ms = 1_898_553_600_000  # 2030-03-01T00:00:00Z
    await load(
        db,
        enterprise("X", "新乡市牧野食品有限公司", creditGrade="CERTIFIED", uscc="91410702MAP306MQ4L"),
        {
            "type": "blacklist",
            "id": "K1",
            "enterprise": "X",
            "reason": "fraud",
            "listedAt": "2030-03-01",
            "expiresAt": "2030-04-01",
        },
    )
    await sweep(db, now=listed_ms + 2 * day)  # the listing is noticed two days late
    await sweep(db, now=listed_ms + 40 * day)  # and its expiry ten days late
    await set_grade(db, "X", G.REGULAR, "late filings", "inspector Li", now=listed_ms + 50 * day)
    events = (await page(db, None, 10)).events
    assert [(e.kind, e.effective_at.isoformat()) for e in events] == [
        ("BLACKLIST", "2030-03-01T00:00:00+00:00"),
        ("CREDIT_REPAIR", "2030-04-01T00:00:00+00:00"),
        ("MANUAL", events[2].at.isoformat()),
    ]
    assert [e.at.isoformat() for e in events[:2]] == ["2030-03-03T00:00:00+00:00", "2030-04-10T00:00:00+00:00"]
    assert {(e.enterprise_uscc, e.enterprise_name) for e in events} == {
        ("91410702MAP306MQ4L", "新乡市牧野食品有限公司")
    }
    (history_of_x,) = await history(db, ["X"], 10)
    assert [(e.seq, e.effective_at, e.enterprise_uscc) for e in history_of_x] == [
        (e.seq, e.effective_at, e.enterprise_uscc) for e in reversed(events)
    ]


async def test_an_event_recorded_before_effective_dates_were_kept_reads_its_commit_time(graded):
    await set_grade(graded, "E00", CE, "good record", "inspector Li", now=1_900_000_000_000)
    await graded.driver.execute_query("MATCH (x:CreditEvent) REMOVE x.effectiveAtMs", database_=graded.database)
    (event,) = (await page(graded, None, 10)).events
    assert event.effective_at == event.at


# --- refused arguments ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "abc",
        "!!!",
        b64("user:5"),
        b64("credit-event:"),
        b64("credit-event:-1"),
        b64("credit-event:+1"),
        b64("credit-event:1.5"),
        b64("credit-event: 1"),
        b64("credit-event:one"),
        b64("credit-event:²"),
        b64("CREDIT-EVENT:1"),
        "-1",
        "5",
    ],
)
async def test_a_malformed_cursor_is_refused_naming_after(graded, cursor):
    await toggle(graded, ENTERPRISES[:2], rounds=1)
    with pytest.raises(BadInput) as err:
        await page(graded, cursor, 10)
    assert err.value.argument == "after"
    assert "after" in str(err.value)


async def test_a_cursor_beyond_any_seq_the_database_can_hold_is_refused_naming_after(graded):
    with pytest.raises(BadInput) as err:
        await page(graded, b64("credit-event:" + "9" * 20), 10)
    assert err.value.argument == "after"


async def test_a_cursor_is_accepted_padded_or_not(graded):
    await toggle(graded, ENTERPRISES[:3], rounds=1)
    after_one = (await page(graded, None, 1)).end_cursor
    assert after_one.rstrip("=") == after_one  # handed out without padding
    for cursor in (after_one, after_one + "=" * (-len(after_one) % 4)):
        assert [e.seq for e in (await page(graded, cursor, 10)).events] == [2, 3]


async def test_a_well_formed_cursor_past_the_end_is_bad_input_so_a_stalled_client_notices(graded):
    """The feed was reset or the cursor is from another deployment: an empty page would stall the client for good."""
    await toggle(graded, ENTERPRISES[:2], rounds=1)  # seq 1..2
    with pytest.raises(BadInput) as err:
        await page(graded, b64("credit-event:500"), 10)
    assert err.value.argument == "after"
    assert "beyond the end of the feed (last seq 2)" in str(err.value)
    at_end = await page(graded, b64("credit-event:2"), 10)  # the end itself is an empty page
    assert (at_end.events, at_end.has_next_page) == ((), False)


@pytest.mark.parametrize("first", [0, -1, 1001, 10_000])
async def test_a_page_size_outside_1_to_1000_is_refused_naming_first(graded, first):
    with pytest.raises(BadInput) as err:
        await page(graded, None, first)
    assert err.value.argument == "first"


async def test_page_sizes_1_and_1000_are_accepted(graded):
    await toggle(graded, ENTERPRISES[:2], rounds=1)
    assert [e.seq for e in (await page(graded, None, 1)).events] == [1]
    assert [e.seq for e in (await page(graded, None, 1000)).events] == [1, 2]


# --- concurrent writers --------------------------------------------------------------------------------------------

WRITERS = 8
CALLS = 24  # per writer


async def test_concurrent_writers_and_a_paging_reader_see_every_event_once_in_commit_order(db):
    own = {w: [f"W{w}-{k}" for k in range(3)] for w in range(WRITERS)}
    await load(db, enterprise("SHARED"), *(enterprise(i) for ids in own.values() for i in ids))
    assert (await page(db, None, 10)).events == ()  # the first events race for the counter too

    returned: list[Any] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        grades = [G.CERTIFIED, G.REGULAR, G.DISHONEST]
        k = 0  # calls on own enterprises so far
        for n in range(CALLS):
            if n % 4 == 3:  # the shared enterprise: concurrent writers serialise on it, some calls change nothing
                target, grade = "SHARED", grades[(w + n) % 3]
            else:  # own enterprises in turn, each CERTIFIED / REGULAR alternately: a change every call
                target, grade = own[w][k % 3], grades[(k // 3) % 2]
                k += 1
            change = await set_grade(db, target, grade, f"writer {w} call {n}", f"regulator {w}")
            if change is not None:
                returned.append(change)

    async def reader() -> tuple[list[Any], int]:
        seen: list[Any] = []
        after, pages_while_writing = None, 0
        while True:
            writing = not done.is_set()
            p = await page(db, after, 3)
            assert len(p.events) <= 3
            seen += p.events
            if p.events:
                after = p.end_cursor
            else:
                assert p.end_cursor == after
            pages_while_writing += writing
            if not writing and not p.has_next_page:
                return seen, pages_while_writing
            await asyncio.sleep(0)

    async def writers() -> None:
        try:
            await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        finally:
            done.set()

    (seen, pages_while_writing), _ = await asyncio.gather(reader(), writers())

    full, _ = await read_all(db, 1000)
    final = [e for p in full for e in p.events]
    n = len(final)
    own_calls = WRITERS * (CALLS - CALLS // 4)  # every call on an own enterprise changes its grade
    assert own_calls < n <= WRITERS * CALLS
    assert [e.seq for e in final] == list(range(1, n + 1))  # no gap in what is committed
    assert [e.seq for e in seen] == list(range(1, n + 1))  # the paging reader: none skipped, none repeated
    assert [row(e) for e in seen] == [row(e) for e in final]
    assert sorted(c.seq for c in returned) == list(range(1, n + 1))  # every committed change is an event
    assert pages_while_writing >= 3, "the reader should have paged while the writers were writing"

    # seq order is commit order: each enterprise's events chain from grade to grade, ending at its stored grade
    by_enterprise: dict[str, list[Any]] = {}
    for e in final:
        by_enterprise.setdefault(e.enterprise_id, []).append(e)
    assert set(by_enterprise) == {"SHARED", *(i for ids in own.values() for i in ids)}
    for enterprise_id, chain in by_enterprise.items():
        assert chain[0].from_grade == "REGULAR", enterprise_id
        for before, after_ in pairwise(chain):
            assert after_.from_grade == before.to_grade, (enterprise_id, before.seq, after_.seq)
        stored = (await db.read("testing/node", id=enterprise_id))[0]["props"]["creditGrade"]
        assert stored == chain[-1].to_grade, enterprise_id
    for ids in own.values():  # 6 calls per own enterprise, alternating CERTIFIED / REGULAR
        for i in ids:
            assert [(e.from_grade, e.to_grade) for e in by_enterprise[i]] == [
                ("REGULAR", "CERTIFIED"),
                ("CERTIFIED", "REGULAR"),
            ] * 3


async def test_concurrent_imports_and_decisions_number_their_events_without_gaps(db):
    ids = [f"C{i:02d}" for i in range(12)]
    await load(db, *(enterprise(i) for i in ids))

    async def listings(k: int) -> None:  # each import lists four enterprises: four BLACKLIST events
        await load(
            db,
            *(
                {"type": "blacklist", "id": f"K{k}-{i}", "enterprise": i, "reason": "fraud", "listedAt": "2030-03-01"}
                for i in ids[4 * k : 4 * k + 4]
            ),
        )

    async def decisions() -> None:
        for n in range(12):
            await set_grade(db, ids[n], G.SERIOUSLY_DISHONEST, "forged certificates", "inspector Li")

    await asyncio.gather(listings(0), listings(1), listings(2), decisions())
    got, _ = await read_all(db, 5)
    events = [e for p in got for e in p.events]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    # each enterprise: REGULAR -> SERIOUSLY_DISHONEST directly (decision first), or via DISHONEST (listing first)
    for i in ids:
        chain = [(e.from_grade, e.to_grade, e.kind) for e in events if e.enterprise_id == i]
        assert chain in (
            [("REGULAR", "SERIOUSLY_DISHONEST", "MANUAL")],
            [("REGULAR", "DISHONEST", "BLACKLIST"), ("DISHONEST", "SERIOUSLY_DISHONEST", "MANUAL")],
        ), (i, chain)
