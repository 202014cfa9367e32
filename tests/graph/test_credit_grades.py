"""Credit grades end to end (graph/credit.py): a listing lowers the grade unless it is already lower, the worse of
several listings holds, a listing that expires or is lifted gives back the grade it replaced unless something else
lowered it (credit repair), regulators' manual changes, declared grades, re-imports and corrections, listings that
start later, and the CreditEvent written for every change, with its kind, reason, decider and evidence.

Time: imports and lifts use the clock; listings that expire or start use dates far in the future (2099), so the
import sees them in force (or not yet started) and `sweep(now=...)` simulates the day they expire (or start).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from graph.credit import confirm_lift, lift_listing, set_grade, sweep
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.ingest import Counts
from graph.lookup import enterprises
from graph.records import CreditGrade as G
from seed.builders import agency, blacklist
from tests.conftest import enterprise, load

AC, CE, RE, DI, SD = "ADVANCED_CERTIFIED", "CERTIFIED", "REGULAR", "DISHONEST", "SERIOUSLY_DISHONEST"
LISTING_RULE = (
    "a blacklist listing in force sets the grade to DISHONEST (SERIOUSLY_DISHONEST when serious) "
    "unless it is already lower"
)
REPAIR_RULE = "when a listing expires or is lifted, the grade it replaced returns unless something else lowered it"


def ms(instant: str) -> int:
    """Epoch milliseconds of an ISO instant (a date alone is midnight UTC): the `now` a test passes."""
    parsed = datetime.fromisoformat(instant)
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp() * 1000)


async def node(db: Graph, id: str) -> dict[str, Any]:
    rows = await db.read("testing/node", id=id)
    assert len(rows) == 1, f"expected one node with id {id!r}, found {len(rows)}"
    return rows[0]["props"]


async def grades(db: Graph, id: str) -> tuple[str, str]:
    """(effective, standing) grade as stored."""
    props = await node(db, id)
    return props["creditGrade"], props["standingGrade"]


async def events(db: Graph) -> list[dict[str, Any]]:
    """Every stored CreditEvent, by seq, with its evidence parsed."""
    rows = await db.read("testing/all_nodes")
    found = [dict(r["props"]) for r in rows if "CreditEvent" in r["labels"]]
    for e in found:
        e["evidence"] = json.loads(e["evidence"])
    return sorted(found, key=lambda e: e["seq"])


def summary(evs: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(e["kind"], e["enterpriseId"], e["fromGrade"], e["toGrade"]) for e in evs]


async def snapshot(db: Graph) -> list[tuple[tuple[str, ...], str]]:
    """Every node with every stored property, wall-clock ones included: "nothing written" compares these."""
    rows = await db.read("testing/all_nodes")
    return sorted((tuple(r["labels"]), json.dumps(r["props"], sort_keys=True, default=str)) for r in rows)


def listing_evidence(id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "record": "blacklist",
        "id": id,
        "reason": "fraud",
        "serious": False,
        "agency": None,
        "listedAt": "2026-03-01",
        "expiresAt": None,
        "liftedAt": None,
        "liftedBy": None,
    } | overrides


# --- a listing lowers the grade ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "serious", "expected"),
    [
        (None, False, DI),
        (None, True, SD),
        (AC, False, DI),
        (AC, True, SD),
        (CE, False, DI),
        (CE, True, SD),
        (RE, False, DI),
        (RE, True, SD),
        (DI, False, DI),
        (DI, True, SD),
        (SD, False, SD),
        (SD, True, SD),
    ],
)
async def test_a_listing_lowers_the_declared_grade_unless_already_lower(db, declared, serious, expected):
    extra = {"creditGrade": declared} if declared else {}
    await load(db, enterprise("X", **extra), blacklist("K1", "X", serious=serious))
    standing = declared or RE
    assert await grades(db, "X") == (expected, standing)
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is True
    if expected == standing:
        assert await events(db) == []
    else:
        (event,) = await events(db)
        assert (event["seq"], event["kind"], event["fromGrade"], event["toGrade"]) == (
            1,
            "BLACKLIST",
            standing,
            expected,
        )
        assert [listing["id"] for listing in event["evidence"]["listings"]] == ["K1"]


async def test_a_listing_event_explains_itself_with_the_listing_and_the_rule(db):
    await load(db, agency("A1"), enterprise("X", creditGrade=CE), blacklist("K1", "X", agency="A1", reason="fake CCC"))
    (event,) = await events(db)
    assert event["seq"] == 1
    assert (event["enterpriseId"], event["fromGrade"], event["toGrade"]) == ("X", CE, DI)
    assert event["kind"] == "BLACKLIST"
    assert event["reason"] == "blacklisted: K1 (fake CCC)"
    assert event["decidedBy"] == "A1"  # the listing agency
    assert event["evidence"] == {
        "rule": LISTING_RULE,
        "listings": [listing_evidence("K1", reason="fake CCC", agency="A1")],
        "standingGrade": CE,
    }
    concerns = await db.read("testing/relationships_of", id="X")
    assert [(r["type"], r["outgoing"]) for r in concerns if r["type"] == "CONCERNS"] == [("CONCERNS", False)]


async def test_a_listing_without_agency_is_decided_by_the_blacklist(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    (event,) = await events(db)
    assert event["decidedBy"] == "blacklist"


async def test_a_listing_already_expired_when_imported_changes_nothing(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", listedAt="2025-01-01", expiresAt="2025-07-01"))
    assert await grades(db, "X") == (CE, CE)
    assert await events(db) == []
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is False


# --- two listings: the worse holds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("serious_first", [True, False])
async def test_of_two_listings_in_force_the_worse_holds_with_one_event(db, serious_first):
    listings = [blacklist("K1", "X", serious=True), blacklist("K2", "X", serious=False)]
    await load(db, enterprise("X", creditGrade=CE), *(listings if serious_first else reversed(listings)))
    assert await grades(db, "X") == (SD, CE)
    (event,) = await events(db)
    assert summary([event]) == [("BLACKLIST", "X", CE, SD)]
    # only the listing that sets the grade is the evidence
    assert [listing["id"] for listing in event["evidence"]["listings"]] == ["K1"]
    assert event["reason"] == "blacklisted: K1 (fraud)"


async def test_a_second_listing_of_the_same_weight_writes_no_event_and_a_worse_one_does(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await load(db, blacklist("K2", "X"))
    assert await grades(db, "X") == (DI, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI)]
    await load(db, blacklist("K3", "X", serious=True, reason="melamine"))
    assert await grades(db, "X") == (SD, RE)
    evs = await events(db)
    assert summary(evs) == [("BLACKLIST", "X", RE, DI), ("BLACKLIST", "X", DI, SD)]
    assert evs[1]["reason"] == "blacklisted: K3 (melamine)"


async def test_a_listing_made_serious_on_reimport_lowers_further(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    report = await load(db, blacklist("K1", "X", serious=True))
    assert report.by_type == {"blacklist": Counts(updated=1)}
    assert await grades(db, "X") == (SD, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI), ("BLACKLIST", "X", DI, SD)]


# --- expiry: credit repair on the sweep ----------------------------------------------------------------------------


async def test_expiry_restores_the_replaced_grade_on_the_sweep_with_a_credit_repair_event(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", expiresAt="2099-01-01"))
    assert await grades(db, "X") == (DI, CE)

    assert await sweep(db, now=ms("2098-12-31T23:59:59.999+00:00")) == []  # a millisecond before: still in force
    assert await grades(db, "X") == (DI, CE)
    assert len(await events(db)) == 1

    (change,) = await sweep(db, now=ms("2099-01-01"))  # expiresAt is the first instant it is no longer in force
    assert (change.seq, change.enterprise, change.from_grade, change.to_grade) == (2, "X", G.DISHONEST, G.CERTIFIED)
    assert await grades(db, "X") == (CE, CE)
    evs = await events(db)
    assert summary(evs) == [("BLACKLIST", "X", CE, DI), ("CREDIT_REPAIR", "X", DI, CE)]
    repair = evs[1]
    assert repair["seq"] == 2
    assert repair["reason"] == "credit repair: listing K1 expired on 2099-01-01"
    assert repair["decidedBy"] == "system"
    assert repair["atMs"] == 4070908800000  # 2099-01-01T00:00:00Z, the sweep's `now`
    assert repair["evidence"] == {
        "rule": REPAIR_RULE,
        "listings": [listing_evidence("K1", expiresAt="2099-01-01")],
        "standingGrade": CE,
    }

    assert await sweep(db, now=ms("2099-01-02")) == []  # nothing left to do
    assert len(await events(db)) == 2


async def test_expiry_of_the_serious_listing_leaves_the_other_one_holding(db):
    await load(
        db,
        enterprise("X"),
        blacklist("K1", "X", serious=True, expiresAt="2099-01-01"),
        blacklist("K2", "X", expiresAt="2099-06-01"),
    )
    assert await grades(db, "X") == (SD, RE)
    (change,) = await sweep(db, now=ms("2099-01-01"))
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G.SERIOUSLY_DISHONEST, G.DISHONEST)
    assert change.reason == "credit repair: listing K1 expired on 2099-01-01"
    assert await grades(db, "X") == (DI, RE)
    (change,) = await sweep(db, now=ms("2099-06-01"))
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G.DISHONEST, G.REGULAR)
    assert "listing K2 expired on 2099-06-01" in change.reason
    assert summary(await events(db)) == [
        ("BLACKLIST", "X", RE, SD),
        ("CREDIT_REPAIR", "X", SD, DI),
        ("CREDIT_REPAIR", "X", DI, RE),
    ]


async def test_expiry_of_one_of_two_equal_listings_changes_nothing(db):
    await load(db, enterprise("X"), blacklist("K1", "X", expiresAt="2099-01-01"), blacklist("K2", "X"))
    assert await sweep(db, now=ms("2099-02-01")) == []
    assert await grades(db, "X") == (DI, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI)]


async def test_the_sweep_repairs_every_enterprise_due_and_only_those(db):
    await load(
        db,
        enterprise("X", creditGrade=AC),
        enterprise("Y"),
        enterprise("Z", creditGrade=CE),
        blacklist("K1", "X", expiresAt="2099-01-01"),
        blacklist("K2", "Y", serious=True, expiresAt="2099-01-01T08:00:00+08:00"),  # = 2099-01-01T00:00Z
        blacklist("K3", "Z", expiresAt="2099-03-01"),
    )
    changes = await sweep(db, now=ms("2099-01-01"))
    assert sorted((c.enterprise, c.from_grade.value, c.to_grade.value) for c in changes) == [
        ("X", DI, AC),
        ("Y", SD, RE),
    ]
    assert sorted(c.seq for c in changes) == [4, 5]
    assert await grades(db, "Z") == (DI, CE)


# --- lifting -------------------------------------------------------------------------------------------------------


async def test_lifting_restores_the_grade_but_another_listing_in_force_still_holds(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X"), blacklist("K2", "X"))
    assert await grades(db, "X") == (DI, CE)

    assert await lift_listing(db, "K1", "appeal upheld", "inspector Wang") is None
    assert await grades(db, "X") == (DI, CE)  # K2 holds
    assert len(await events(db)) == 1
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is True

    change = await lift_listing(db, "K2", "  paid the fine  ", "  inspector Li  ")
    assert change is not None
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (
        2,
        "CREDIT_REPAIR",
        G.DISHONEST,
        G.CERTIFIED,
    )
    assert await grades(db, "X") == (CE, CE)
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is False
    evs = await events(db)
    assert summary(evs) == [("BLACKLIST", "X", CE, DI), ("CREDIT_REPAIR", "X", DI, CE)]
    assert "listing K2 lifted by inspector Li on " in evs[1]["reason"]
    assert "K2" in [listing["id"] for listing in evs[1]["evidence"]["listings"]]
    k2 = await node(db, "K2")
    assert (k2["liftedBy"], k2["liftReason"]) == ("inspector Li", "paid the fine")  # trimmed


async def test_lifting_the_only_listing_is_a_repair_decided_by_the_lifter_with_the_listing_as_evidence(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X"))
    change = await lift_listing(db, "K1", "  paid the fine  ", "  inspector Li  ")
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (
        2,
        "CREDIT_REPAIR",
        G.DISHONEST,
        G.CERTIFIED,
    )
    (_, repair) = await events(db)
    assert repair["decidedBy"] == "inspector Li"  # trimmed
    assert re.fullmatch(
        r"credit repair: listing K1 lifted by inspector Li on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z: paid the fine",
        repair["reason"],
    ), repair["reason"]
    (listing,) = repair["evidence"]["listings"]
    assert (listing["id"], listing["liftedBy"]) == ("K1", "inspector Li")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", listing["liftedAt"])
    assert repair["evidence"]["rule"] == REPAIR_RULE
    assert repair["evidence"]["standingGrade"] == CE


async def test_the_repair_names_the_lifting_that_restored_the_grade_not_an_earlier_one(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X"), blacklist("K2", "X"))
    assert await lift_listing(db, "K1", "appeal upheld", "inspector Wang") is None  # K2 still holds
    change = await lift_listing(db, "K2", "paid the fine", "inspector Li")
    assert change.decided_by == "inspector Li"
    assert [listing["id"] for listing in change.evidence["listings"]] == ["K2"]
    assert change.reason.startswith("credit repair: listing K2 lifted by inspector Li on ")


async def test_a_repair_names_only_the_listing_that_just_expired(db):
    await load(
        db,
        enterprise("X"),
        blacklist("K1", "X", serious=True, expiresAt="2099-01-01"),
        blacklist("K2", "X", expiresAt="2099-06-01"),
    )
    await sweep(db, now=ms("2099-01-01"))
    (change,) = await sweep(db, now=ms("2099-06-01"))
    assert change.reason == "credit repair: listing K2 expired on 2099-06-01"
    assert [listing["id"] for listing in change.evidence["listings"]] == ["K2"]


async def test_a_manual_raise_after_a_lifting_is_a_manual_event(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    change = await set_grade(db, "X", G.CERTIFIED, "good record", "inspector Li")
    assert (change.kind, change.from_grade, change.to_grade) == ("MANUAL", G.REGULAR, G.CERTIFIED)
    assert (change.reason, change.decided_by) == ("good record", "inspector Li")


async def test_a_better_declared_grade_after_a_lifting_is_a_declared_event(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    await load(db, enterprise("X", creditGrade=CE))
    assert await grades(db, "X") == (CE, CE)
    last = (await events(db))[-1]
    assert (last["kind"], last["fromGrade"], last["toGrade"], last["decidedBy"]) == ("DECLARED", RE, CE, "import")


async def test_lifting_the_serious_listing_leaves_the_lesser_one_holding(db):
    await load(db, enterprise("X"), blacklist("K1", "X", serious=True), blacklist("K2", "X"))
    assert await lift_listing(db, "K1", "wrong company", "inspector Wang") is None  # four eyes: asked for
    change = await confirm_lift(db, "K1", "inspector Zhao")
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G.SERIOUSLY_DISHONEST, G.DISHONEST)
    assert change.decided_by == "inspector Zhao"
    assert await grades(db, "X") == (DI, RE)


async def test_lifting_twice_or_an_unknown_listing_is_refused(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    before = await snapshot(db)
    with pytest.raises(BadInput) as err:
        await lift_listing(db, "K1", "again", "inspector Li")
    assert err.value.argument == "id"
    with pytest.raises(NotFound) as missing:
        await lift_listing(db, "NOPE", "why", "inspector Li")
    assert missing.value.argument == "id"
    assert await snapshot(db) == before
    assert (await node(db, "K1"))["liftedBy"] == "inspector Wang"  # the first lifting is kept


async def test_a_lifted_listing_stays_lifted_when_its_record_is_imported_again(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    await load(db, blacklist("K1", "X"))
    await load(db, blacklist("K1", "X", reason="fraud, corrected text", serious=True))
    assert await grades(db, "X") == (RE, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI), ("CREDIT_REPAIR", "X", DI, RE)]


# --- a regulator's manual change ------------------------------------------------------------------------------------


async def test_a_manual_change_is_a_manual_event_with_the_regulators_reason(db):
    await load(db, enterprise("X", creditGrade=CE))
    change = await set_grade(db, "X", G.REGULAR, "  late declarations  ", "  inspector Li  ")
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (1, "MANUAL", G.CERTIFIED, G.REGULAR)
    assert await grades(db, "X") == (RE, RE)
    (event,) = await events(db)
    assert (event["reason"], event["decidedBy"]) == ("late declarations", "inspector Li")
    assert event["evidence"] == {"rule": "a regulator's decision", "grade": RE, "standingGrade": RE}


async def test_a_manual_change_to_the_current_grade_writes_no_event(db):
    await load(db, enterprise("X", creditGrade=CE))
    assert await set_grade(db, "X", G.CERTIFIED, "confirmed", "inspector Li") is None
    assert await events(db) == []


@pytest.mark.parametrize("declared", [CE, RE])
async def test_a_manual_downgrade_to_the_listings_grade_persists_after_the_listing_ends(db, declared):
    await load(db, enterprise("X", creditGrade=declared), blacklist("K1", "X", expiresAt="2099-01-01"))
    assert await set_grade(db, "X", G.DISHONEST, "repeated offences", "inspector Li") is None  # no visible change
    assert await grades(db, "X") == (DI, DI)
    assert await sweep(db, now=ms("2099-01-01")) == []
    assert await grades(db, "X") == (DI, DI)
    assert summary(await events(db)) == [("BLACKLIST", "X", declared, DI)]


async def test_a_manual_downgrade_below_the_listing_persists_after_it_expires(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", expiresAt="2099-01-01"))
    change = await set_grade(db, "X", G.SERIOUSLY_DISHONEST, "forged certificates", "inspector Li")
    assert (change.kind, change.from_grade, change.to_grade) == ("MANUAL", G.DISHONEST, G.SERIOUSLY_DISHONEST)
    assert await sweep(db, now=ms("2099-01-01")) == []
    assert await grades(db, "X") == (SD, SD)
    assert summary(await events(db)) == [("BLACKLIST", "X", CE, DI), ("MANUAL", "X", DI, SD)]


async def test_a_lower_declared_grade_under_a_listing_returns_when_the_listing_ends(db):
    # something else lowered the standing grade: REGULAR returns, not the CERTIFIED the listing replaced
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", expiresAt="2099-01-01"))
    await load(db, enterprise("X", creditGrade=RE))
    (change,) = await sweep(db, now=ms("2099-01-01"))
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G.DISHONEST, G.REGULAR)
    assert await grades(db, "X") == (RE, RE)


async def test_a_manual_downgrade_below_the_listing_is_an_event_and_outlasts_the_lifting(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X"))
    change = await set_grade(db, "X", G.SERIOUSLY_DISHONEST, "forged certificates", "inspector Li")
    assert (change.kind, change.from_grade, change.to_grade) == ("MANUAL", G.DISHONEST, G.SERIOUSLY_DISHONEST)
    assert await lift_listing(db, "K1", "appeal upheld", "inspector Wang") is None
    assert await grades(db, "X") == (SD, SD)
    assert summary(await events(db)) == [("BLACKLIST", "X", CE, DI), ("MANUAL", "X", DI, SD)]


@pytest.mark.parametrize(
    ("serious", "refused"),
    [
        (False, [CE, AC]),  # X stands at REGULAR: only a raise of the standing grade is refused
        (True, [CE, AC]),
    ],
)
async def test_a_manual_raise_above_a_listing_in_force_is_refused_and_writes_nothing(db, serious, refused):
    await load(db, enterprise("X"), blacklist("K1", "X", serious=serious))
    before = await snapshot(db)
    for grade in refused:
        with pytest.raises(BadInput) as err:
            await set_grade(db, "X", G(grade), "appeal", "inspector Li")
        assert err.value.argument == "grade"
        assert "K1" in str(err.value)
    assert await snapshot(db) == before  # no event, no grade, not even the evaluation time


@pytest.mark.parametrize("serious", [False, True])
async def test_a_manual_lowering_under_a_listing_is_kept_without_an_event_and_shows_when_it_ends(db, serious):
    # X stands at CERTIFIED; the listing holds it at DISHONEST (or SERIOUSLY_DISHONEST). Lowering the standing grade
    # to REGULAR changes nothing visible now, so no event; when the listing is lifted, REGULAR (not CERTIFIED) returns.
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", serious=serious))
    listed = SD if serious else DI
    assert await set_grade(db, "X", G.REGULAR, "audit findings", "inspector Li") is None
    assert await grades(db, "X") == (listed, RE)
    assert await set_grade(db, "X", G.REGULAR, "audit findings again", "inspector Li") is None  # same: nothing
    change = await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    if serious:  # four eyes: the lifting is asked for, and takes effect when a second officer confirms it
        assert change is None
        change = await confirm_lift(db, "K1", "inspector Zhao")
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G(listed), G.REGULAR)
    assert change.decided_by == ("inspector Zhao" if serious else "inspector Wang")


async def test_a_manual_change_to_the_listings_grade_is_accepted_while_listed(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    assert await set_grade(db, "X", G.DISHONEST, "confirmed", "inspector Li") is None
    assert await grades(db, "X") == (DI, DI)


async def test_a_manual_raise_is_accepted_once_the_listing_is_lifted(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    change = await set_grade(db, "X", G.CERTIFIED, "good record", "inspector Li")
    assert (change.from_grade, change.to_grade) == (G.REGULAR, G.CERTIFIED)
    assert await grades(db, "X") == (CE, CE)


@pytest.mark.parametrize(
    ("reason", "by", "argument"),
    [("", "inspector Li", "reason"), ("   ", "inspector Li", "reason"), ("why", "", "by"), ("why", " \t", "by")],
)
async def test_a_decision_without_reason_or_decider_is_refused(db, reason, by, argument):
    await load(db, enterprise("X", creditGrade=CE), enterprise("Y"), blacklist("K1", "Y"))
    before = await snapshot(db)
    with pytest.raises(BadInput) as err:
        await set_grade(db, "X", G.REGULAR, reason, by)
    assert err.value.argument == argument
    with pytest.raises(BadInput) as err:
        await lift_listing(db, "K1", reason, by)
    assert err.value.argument == argument
    assert await snapshot(db) == before


async def test_a_manual_change_of_an_unknown_enterprise_is_not_found(db):
    with pytest.raises(NotFound) as err:
        await set_grade(db, "NOPE", G.REGULAR, "why", "inspector Li")
    assert err.value.argument == "enterpriseId"


async def test_a_decision_returns_its_own_change_when_a_listing_started_since_the_last_sweep(db):
    # K1 starts on 2099-03-01; no sweep has run when the regulator decides on 2099-03-02: the decision first catches
    # up (BLACKLIST, its own event), then its own change follows, and that is what the regulator gets back
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", listedAt="2099-03-01"))
    change = await set_grade(
        db, "X", G.SERIOUSLY_DISHONEST, "forged certificates", "inspector Li", now=ms("2099-03-02")
    )
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (
        2,
        "MANUAL",
        G.DISHONEST,
        G.SERIOUSLY_DISHONEST,
    )
    assert change.decided_by == "inspector Li"
    assert summary(await events(db)) == [("BLACKLIST", "X", CE, DI), ("MANUAL", "X", DI, SD)]


async def test_a_raise_after_a_listing_expired_since_the_last_sweep_is_the_regulators_not_a_repair(db):
    # K1 expired on 2099-01-01, unswept: the catch-up repairs DISHONEST -> REGULAR (CREDIT_REPAIR, the system's);
    # the raise to CERTIFIED that follows is the regulator's decision, not a second repair
    await load(db, enterprise("X"), blacklist("K1", "X", expiresAt="2099-01-01"))
    change = await set_grade(db, "X", G.CERTIFIED, "clean audit", "inspector Li", now=ms("2099-02-01"))
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (3, "MANUAL", G.REGULAR, G.CERTIFIED)
    assert [(e["kind"], e["fromGrade"], e["toGrade"], e["decidedBy"]) for e in await events(db)] == [
        ("BLACKLIST", RE, DI, "blacklist"),
        ("CREDIT_REPAIR", DI, RE, "system"),
        ("MANUAL", RE, CE, "inspector Li"),
    ]
    assert await grades(db, "X") == (CE, CE)


# --- corrections by re-import --------------------------------------------------------------------------------------


async def test_a_listing_moved_to_another_enterprise_restores_the_first_one(db):
    await load(db, enterprise("X", creditGrade=CE), enterprise("Y"), blacklist("K1", "X"))
    assert await grades(db, "X") == (DI, CE)
    await load(db, blacklist("K1", "Y"))
    assert await grades(db, "X") == (CE, CE)
    assert await grades(db, "Y") == (DI, RE)
    evs = await events(db)
    assert [e["seq"] for e in evs] == [1, 2, 3]
    assert evs[0]["kind"] == "BLACKLIST" and evs[0]["enterpriseId"] == "X"
    moved = sorted(summary(evs[1:]), key=lambda s: s[1])
    assert moved == [("CORRECTION", "X", DI, CE), ("BLACKLIST", "Y", RE, DI)]
    correction = next(e for e in evs if e["kind"] == "CORRECTION")
    assert correction["decidedBy"] == "system"
    assert correction["reason"] == "records corrected: no listing in force holds the grade"
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is False


async def test_a_listing_moved_away_from_an_enterprise_with_another_listing_changes_nothing_there(db):
    await load(db, enterprise("X"), enterprise("Y"), blacklist("K1", "X"), blacklist("K2", "X"))
    await load(db, blacklist("K1", "Y"))
    assert await grades(db, "X") == (DI, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI), ("BLACKLIST", "Y", RE, DI)]


async def test_a_listing_corrected_to_start_later_is_a_correction_then_takes_effect_on_that_date(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await load(db, blacklist("K1", "X", listedAt="2099-01-01"))
    assert await grades(db, "X") == (RE, RE)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI), ("CORRECTION", "X", DI, RE)]
    (change,) = await sweep(db, now=ms("2099-01-01"))
    assert (change.kind, change.to_grade) == ("BLACKLIST", G.DISHONEST)


async def test_a_changed_declared_grade_is_a_declared_event(db):
    await load(db, enterprise("X", creditGrade=CE))
    await load(db, enterprise("X", creditGrade=AC))
    assert await grades(db, "X") == (AC, AC)
    await load(db, enterprise("X"))  # no creditGrade: REGULAR
    assert await grades(db, "X") == (RE, RE)
    evs = await events(db)
    assert summary(evs) == [("DECLARED", "X", CE, AC), ("DECLARED", "X", AC, RE)]
    assert evs[0]["reason"] == "the enterprise record declares ADVANCED_CERTIFIED (was CERTIFIED)"
    assert evs[0]["decidedBy"] == "import"
    assert evs[0]["evidence"] == {"record": "enterprise", "id": "X", "creditGrade": AC, "standingGrade": AC}
    assert evs[1]["reason"] == "the enterprise record declares REGULAR (was ADVANCED_CERTIFIED)"


async def test_a_declared_grade_changed_under_a_listing_moves_the_standing_grade_only(db):
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X"))
    await load(db, enterprise("X", creditGrade=RE))
    assert await grades(db, "X") == (DI, RE)
    assert len(await events(db)) == 1
    change = await lift_listing(db, "K1", "appeal upheld", "inspector Wang")
    assert (change.kind, change.from_grade, change.to_grade) == ("CREDIT_REPAIR", G.DISHONEST, G.REGULAR)


async def test_a_declared_grade_below_the_listing_is_a_declared_event(db):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await load(db, enterprise("X", creditGrade=SD))
    assert await grades(db, "X") == (SD, SD)
    assert summary(await events(db)) == [("BLACKLIST", "X", RE, DI), ("DECLARED", "X", DI, SD)]


@pytest.mark.parametrize(
    "again",
    [
        enterprise("X", creditGrade=CE),  # identical
        enterprise("X", creditGrade=CE, name="Renamed Co.", country="CN"),  # updated, same declared grade
    ],
)
async def test_reimporting_an_enterprise_never_undoes_a_manual_change(db, again):
    await load(db, enterprise("X", creditGrade=CE))
    await set_grade(db, "X", G.REGULAR, "late declarations", "inspector Li")
    await load(db, again)
    assert await grades(db, "X") == (RE, RE)
    assert summary(await events(db)) == [("MANUAL", "X", CE, RE)]


async def test_an_explicit_default_declared_grade_is_no_change_of_the_declared_grade(db):
    await load(db, enterprise("X"))  # declares nothing: REGULAR
    await set_grade(db, "X", G.CERTIFIED, "audited", "inspector Li")
    report = await load(db, enterprise("X", creditGrade=RE))  # the record changed, the declared grade did not
    assert report.by_type == {"enterprise": Counts(updated=1)}
    assert await grades(db, "X") == (CE, CE)
    assert summary(await events(db)) == [("MANUAL", "X", RE, CE)]


async def test_a_new_declared_grade_replaces_a_manual_change(db):
    await load(db, enterprise("X", creditGrade=CE))
    await set_grade(db, "X", G.REGULAR, "late declarations", "inspector Li")
    await load(db, enterprise("X", creditGrade=AC))
    assert await grades(db, "X") == (AC, AC)
    assert summary(await events(db)) == [("MANUAL", "X", CE, RE), ("DECLARED", "X", RE, AC)]


# --- listings that start later -------------------------------------------------------------------------------------


async def test_a_listing_dated_in_the_future_takes_effect_at_the_sweep_after_that_date(db):
    # 2099-03-01T08:00+08:00 is 2099-03-01T00:00Z
    await load(db, enterprise("X", creditGrade=CE), blacklist("K1", "X", listedAt="2099-03-01T08:00:00+08:00"))
    assert await grades(db, "X") == (CE, CE)
    assert await events(db) == []
    (x,) = await enterprises(db, ["X"])
    assert x.blacklisted is False

    assert await sweep(db, now=ms("2099-02-28T23:59:59.999+00:00")) == []
    assert await events(db) == []

    (change,) = await sweep(db, now=ms("2099-03-01"))
    assert (change.seq, change.kind, change.from_grade, change.to_grade) == (1, "BLACKLIST", G.CERTIFIED, G.DISHONEST)
    assert await grades(db, "X") == (DI, CE)
    (event,) = await events(db)
    assert event["atMs"] == 4076006400000  # 2099-03-01T00:00:00Z
    assert event["evidence"]["listings"] == [listing_evidence("K1", listedAt="2099-03-01T08:00:00+08:00")]
    assert await sweep(db, now=ms("2099-03-02")) == []


async def test_a_future_listing_with_an_expiry_is_in_force_between_the_two_sweeps(db):
    await load(db, enterprise("X"), blacklist("K1", "X", listedAt="2099-03-01", expiresAt="2099-04-01"))
    (start,) = await sweep(db, now=ms("2099-03-15"))
    (end,) = await sweep(db, now=ms("2099-04-01"))
    assert [(c.kind, c.from_grade, c.to_grade) for c in (start, end)] == [
        ("BLACKLIST", G.REGULAR, G.DISHONEST),
        ("CREDIT_REPAIR", G.DISHONEST, G.REGULAR),
    ]
    assert end.reason == "credit repair: listing K1 expired on 2099-04-01"


# --- idempotence ---------------------------------------------------------------------------------------------------

RECORDS = (
    agency("A1"),
    enterprise("X", creditGrade=CE),
    enterprise("Y", creditGrade=AC),
    enterprise("Z"),
    enterprise("W", creditGrade=DI),
    blacklist("K1", "X", agency="A1", expiresAt="2099-01-01"),
    blacklist("K2", "X", serious=True),
    blacklist("K3", "Z", listedAt="2099-01-01"),
    blacklist("K4", "W"),
)


async def test_an_identical_reimport_writes_no_event(db):
    await load(db, *RECORDS)
    await set_grade(db, "Y", G.CERTIFIED, "late declarations", "inspector Li")
    before = summary(await events(db))
    assert before == [("BLACKLIST", "X", CE, SD), ("MANUAL", "Y", AC, CE)]
    report = await load(db, *RECORDS)
    assert report.by_type == {
        "agency": Counts(unchanged=1),
        "enterprise": Counts(unchanged=4),
        "blacklist": Counts(unchanged=4),
    }
    assert summary(await events(db)) == before
    assert [await grades(db, i) for i in "XYZW"] == [(SD, CE), (CE, CE), (RE, RE), (DI, DI)]


# --- every event explains itself -----------------------------------------------------------------------------------


async def test_every_event_carries_grades_reason_kind_decider_and_the_listings_it_follows_from(db):
    await load(
        db,
        agency("A1"),
        enterprise("X", creditGrade=CE),
        enterprise("Y"),
        enterprise("Z"),
        enterprise("W", creditGrade=AC),
        blacklist("K1", "X", agency="A1", expiresAt="2099-01-01"),
        blacklist("K2", "Y", serious=True),
    )
    await lift_listing(db, "K2", "appeal upheld", "inspector Wang")
    await confirm_lift(db, "K2", "inspector Zhao")  # K2 is serious: four eyes
    await set_grade(db, "Z", G.CERTIFIED, "good record", "inspector Li")
    await load(db, enterprise("W", creditGrade=RE))
    await sweep(db, now=ms("2099-01-01"))

    evs = await events(db)
    assert [e["seq"] for e in evs] == [1, 2, 3, 4, 5, 6]
    assert sorted(summary(evs[:2]), key=lambda s: s[1]) == [("BLACKLIST", "X", CE, DI), ("BLACKLIST", "Y", RE, SD)]
    assert summary(evs[2:]) == [
        ("CREDIT_REPAIR", "Y", SD, RE),
        ("MANUAL", "Z", RE, CE),
        ("DECLARED", "W", AC, RE),
        ("CREDIT_REPAIR", "X", DI, CE),
    ]
    all_grades = {AC, CE, RE, DI, SD}
    for e in evs:
        assert e["fromGrade"] in all_grades and e["toGrade"] in all_grades and e["fromGrade"] != e["toGrade"]
        assert e["kind"] in {"BLACKLIST", "CREDIT_REPAIR", "DOWNGRADE_REVIEW", "MANUAL", "DECLARED", "CORRECTION"}
        assert e["reason"].strip() and e["decidedBy"].strip()
        assert isinstance(e["evidence"], dict) and e["evidence"]["standingGrade"] in all_grades
        assert isinstance(e["atMs"], int)
        if e["kind"] in ("BLACKLIST", "CREDIT_REPAIR"):
            (listing,) = e["evidence"]["listings"]
            assert listing["id"] in e["reason"]
    by_kind = {(e["kind"], e["enterpriseId"]): e for e in evs}
    expected = {
        ("BLACKLIST", "X"): ("A1", "K1"),
        ("BLACKLIST", "Y"): ("blacklist", "K2"),
        ("CREDIT_REPAIR", "Y"): ("inspector Zhao", "K2"),  # who confirmed the lifting (four eyes)
        ("CREDIT_REPAIR", "X"): ("system", "K1"),
    }
    for key, (decided_by, listing_id) in expected.items():
        assert (by_kind[key]["decidedBy"], by_kind[key]["evidence"]["listings"][0]["id"]) == (decided_by, listing_id)
    assert (by_kind["MANUAL", "Z"]["decidedBy"], by_kind["MANUAL", "Z"]["reason"]) == ("inspector Li", "good record")
    assert by_kind["DECLARED", "W"]["decidedBy"] == "import"
    assert by_kind["DECLARED", "W"]["evidence"]["id"] == "W"
