"""Blacklist contagion (contract/core.graphql, `contagion`) on small hand-made graphs.

Every expected score is worked out by hand in a comment, from the contract's tie weights:
CONTROL 0.8, SHARED_PERSON 0.6, SHAREHOLDING 0.5, TRADE 0.3, MINOR_SHARE 0.2;
best(s, v) = the largest product over paths of <= maxHops edges; score(v) = 1 - PRODUCT (1 - best(s, v)).

Conventions of the builders below: enterprise ids are upper case, person ids lower case (p1, p2, ...);
`build` creates every enterprise and person the records name, so a test states only the ties it is about.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest

from graph.contagion import Action, ContagionPath, Exposure, contagion, exposures, refresh_ties
from graph.credit import lift_listing
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.tie_search import TieGraph
from seed.builders import blacklist, link
from tests.conftest import BASE, batch, enterprise, load, shipment, statements_run

DR, RI, INFO = Action.DOWNGRADE_REVIEW, Action.RAISED_INSPECTION, Action.INFORMATION

# The contract's tie weights, written out here rather than taken from the code under test.
WEIGHT = {"CONTROL": 0.8, "SHARED_PERSON": 0.6, "SHAREHOLDING": 0.5, "TRADE": 0.3, "MINOR_SHARE": 0.2}


# --- record builders ------------------------------------------------------------------------------


def owns(holder: str, target: str, share: float) -> dict[str, Any]:
    return link("SHAREHOLDER", holder, target, share)


def lr(person: str, target: str) -> dict[str, Any]:
    return link("LEGAL_REPRESENTATIVE", person, target)


def officer(person: str, target: str) -> dict[str, Any]:
    return link("OFFICER", person, target)


def trade(id: str, from_: str, to: str) -> dict[str, Any]:
    return shipment(id, "B1", to, from_=from_)


def _named(records: tuple[dict[str, Any], ...]) -> tuple[list[str], list[str]]:
    ids: set[str] = set()
    for r in records:
        ids.update(r[k] for k in ("from", "to", "enterprise") if k in r)
    firms = sorted(i for i in ids if i[0].isupper() and i != "M")
    people = sorted(i for i in ids if i[0].islower())
    return firms, people


async def build(db: Graph, *records: dict[str, Any], firms: tuple[str, ...] = ()) -> None:
    """BASE (enterprise M, product P1), a batch B1 for the trades, every enterprise and person named, the records."""
    named_firms, people = _named(records)
    await load(
        db,
        *BASE,
        batch("B1"),
        *(enterprise(f) for f in sorted({*named_firms, *firms})),
        *({"type": "person", "id": p, "name": f"Person {p}"} for p in people),
        *records,
    )


# --- reading results ------------------------------------------------------------------------------


def listed(result: list[Exposure]) -> list[tuple[str, float, Action]]:
    """(enterprise, score, action) in the order given; scores rounded far below any hand value's precision."""
    return [(e.enterprise, round(e.score, 9), e.action) for e in result]


def evidence(result: list[Exposure], id: str) -> list[tuple[str, float, list[tuple[str, str, str, float, Any]]]]:
    """The evidence of one listed enterprise: (source, score, hops as (from, to, kind, weight, via))."""
    [exposure] = [e for e in result if e.enterprise == id]
    return [
        (p.source_id, round(p.score, 9), [(h.from_id, h.to_id, h.kind, round(h.weight, 9), h.via) for h in p.hops])
        for p in exposure.evidence
    ]


async def tied_pairs(db: Graph) -> list[tuple[str, str, dict[str, Any]]]:
    """The materialised TIED_TO relationships: (from, to, properties)."""
    return [
        (r["from"], r["to"], r["props"]) for r in await db.read("testing/all_relationships") if r["type"] == "TIED_TO"
    ]


# --- each tie kind, its weight and its boundaries --------------------------------------------------

# Source A, maxHops 1: B is listed with exactly the weight of the one tie, as the one hop of its evidence.
TIE_KINDS = [
    pytest.param([owns("A", "B", 1.0)], "CONTROL", None, DR, id="enterprise holds all: CONTROL"),
    pytest.param([owns("A", "B", 0.5)], "CONTROL", None, DR, id="share 0.5 is CONTROL"),
    pytest.param([owns("B", "A", 0.5)], "CONTROL", None, DR, id="held the other way round: CONTROL"),
    pytest.param([owns("A", "B", 0.49)], "SHAREHOLDING", None, RI, id="share 0.49 is SHAREHOLDING"),
    pytest.param([owns("A", "B", 0.2)], "SHAREHOLDING", None, RI, id="share 0.2 is SHAREHOLDING"),
    pytest.param([owns("A", "B", 0.19)], "MINOR_SHARE", None, INFO, id="share 0.19 is MINOR_SHARE"),
    pytest.param([owns("B", "A", 0.01)], "MINOR_SHARE", None, INFO, id="small share held the other way round"),
    pytest.param([trade("S1", "A", "B")], "TRADE", None, RI, id="shipment A to B: TRADE"),
    pytest.param([trade("S1", "B", "A")], "TRADE", None, RI, id="shipment B to A: TRADE"),
    pytest.param([lr("p1", "A"), lr("p1", "B")], "SHARED_PERSON", "p1", DR, id="legal representative of both"),
    pytest.param([officer("p1", "A"), officer("p1", "B")], "SHARED_PERSON", "p1", DR, id="officer of both"),
    pytest.param([lr("p1", "A"), officer("p1", "B")], "SHARED_PERSON", "p1", DR, id="LR in one, officer in other"),
    pytest.param([officer("p1", "A"), lr("p1", "B")], "SHARED_PERSON", "p1", DR, id="officer in one, LR in other"),
    pytest.param(
        [owns("p1", "A", 0.5), owns("p1", "B", 0.5)], "SHARED_PERSON", "p1", DR, id="person holds 0.5 of both"
    ),
    pytest.param([owns("p1", "A", 1.0), officer("p1", "B")], "SHARED_PERSON", "p1", DR, id="holder and officer"),
    pytest.param(
        [owns("p1", "A", 0.3), lr("p1", "A"), officer("p1", "B")],
        "SHARED_PERSON",
        "p1",
        DR,
        id="small holder who is also LR of A",
    ),
]


@pytest.mark.parametrize(("records", "kind", "via", "action"), TIE_KINDS)
async def test_each_tie_kind_carries_its_weight(db, records, kind, via, action):
    await build(db, *records, firms=("A", "B"))
    result = await contagion(db, ["A"], max_hops=1)
    weight = WEIGHT[kind]
    assert listed(result) == [("B", weight, action)]
    assert evidence(result, "B") == [("A", weight, [("A", "B", kind, weight, via)])]


NO_TIES = [
    pytest.param([owns("p1", "A", 0.49), lr("p1", "B")], id="person share 0.49 and LR of the other"),
    pytest.param([owns("p1", "A", 0.3), owns("p1", "B", 0.3)], id="person holds 0.3 of both"),
    pytest.param([lr("p1", "A"), officer("p1", "A"), lr("p2", "B")], id="two different people"),
    pytest.param([trade("S1", "M", "A"), trade("S2", "M", "B")], id="a common supplier is no direct tie"),
]


@pytest.mark.parametrize("records", NO_TIES)
async def test_no_tie_without_a_qualifying_link(db, records):
    await build(db, *records, firms=("A", "B"))
    result = await contagion(db, ["A"], max_hops=1)
    assert "B" not in [e.enterprise for e in result]


async def test_a_shared_person_is_one_edge_between_every_pair_they_serve(db):
    # p1 is LR of A, officer of B and C: A-B, A-C (and B-C) are SHARED_PERSON ties, one edge each.
    # maxHops 1 from A: B 0.6, C 0.6, ordered by id.
    await build(db, lr("p1", "A"), officer("p1", "B"), officer("p1", "C"))
    result = await contagion(db, ["A"], max_hops=1)
    assert listed(result) == [("B", 0.6, DR), ("C", 0.6, DR)]
    assert evidence(result, "C") == [("A", 0.6, [("A", "C", "SHARED_PERSON", 0.6, "p1")])]


async def test_the_strongest_of_several_ties_between_a_pair_is_its_weight_and_kind(db):
    # A-B: SHAREHOLDING (A holds 0.3) 0.5, TRADE 0.3, MINOR_SHARE (B holds 0.1 of A) 0.2,
    #      SHARED_PERSON (p1 LR of A, officer of B) 0.6          -> 0.6 SHARED_PERSON via p1
    # A-C: CONTROL (A holds 0.6) 0.8, SHARED_PERSON (p1 officer of C) 0.6, TRADE (C to A) 0.3 -> 0.8 CONTROL
    # maxHops 1 from A: C 0.8, B 0.6.
    await build(
        db,
        owns("A", "B", 0.3),
        trade("S1", "A", "B"),
        owns("B", "A", 0.1),
        lr("p1", "A"),
        officer("p1", "B"),
        owns("A", "C", 0.6),
        officer("p1", "C"),
        trade("S2", "C", "A"),
    )
    result = await contagion(db, ["A"], max_hops=1)
    assert listed(result) == [("C", 0.8, DR), ("B", 0.6, DR)]
    assert evidence(result, "C") == [("A", 0.8, [("A", "C", "CONTROL", 0.8, None)])]
    assert evidence(result, "B") == [("A", 0.6, [("A", "B", "SHARED_PERSON", 0.6, "p1")])]
    # one association per pair, whatever the number of ties behind it: A-B, A-C, B-C (p1 officer of both)
    assert sorted((a, b) for a, b, _ in await tied_pairs(db)) == [("A", "B"), ("A", "C"), ("B", "C")]


async def test_a_pair_sharing_two_people_names_one_of_them(db):
    # p1 and p2 are both LR/officer of A and B: one SHARED_PERSON tie 0.6, via one of the two people.
    await build(db, lr("p1", "A"), officer("p1", "B"), officer("p2", "A"), lr("p2", "B"))
    result = await contagion(db, ["A"], max_hops=1)
    assert listed(result) == [("B", 0.6, DR)]
    [(_, _, [(_, _, kind, _, via)])] = evidence(result, "B")
    assert kind == "SHARED_PERSON"
    assert via in {"p1", "p2"}


# --- best paths ----------------------------------------------------------------------------------


async def test_a_longer_path_with_a_higher_product_wins_within_max_hops(db):
    # S-V SHAREHOLDING 0.5 (direct), S-X CONTROL, X-Y CONTROL, Y-V CONTROL.
    # maxHops 3: X 0.8; Y max(S-X-Y 0.64, S-V-Y 0.5*0.8 = 0.4) = 0.64; V max(0.5, S-X-Y-V 0.8^3 = 0.512) = 0.512
    # maxHops 2: X 0.8; Y 0.64; V: the three-edge path is out, so the direct 0.5
    await build(db, owns("S", "V", 0.3), owns("S", "X", 0.6), owns("X", "Y", 0.6), owns("Y", "V", 0.6))
    three = await contagion(db, ["S"], max_hops=3)
    assert listed(three) == [("X", 0.8, DR), ("Y", 0.64, DR), ("V", 0.512, RI)]
    assert evidence(three, "V") == [
        (
            "S",
            0.512,
            [("S", "X", "CONTROL", 0.8, None), ("X", "Y", "CONTROL", 0.8, None), ("Y", "V", "CONTROL", 0.8, None)],
        )
    ]
    two = await contagion(db, ["S"], max_hops=2)
    assert listed(two) == [("X", 0.8, DR), ("Y", 0.64, DR), ("V", 0.5, RI)]
    assert evidence(two, "V") == [("S", 0.5, [("S", "V", "SHAREHOLDING", 0.5, None)])]


async def test_a_node_reached_better_by_a_longer_path_does_not_lend_that_value_beyond_max_hops(db):
    # S-Y SHAREHOLDING 0.5, S-X CONTROL, X-Y CONTROL, Y-V CONTROL.
    # Y is best reached in two edges (S-X-Y 0.64) but also in one (S-Y 0.5).
    # maxHops 2: V only by S-Y-V = 0.5*0.8 = 0.4 (S-X-Y-V has three edges); Y 0.64; X max(0.8, S-Y-X 0.4) = 0.8
    # maxHops 3: V = S-X-Y-V = 0.512
    await build(db, owns("S", "Y", 0.3), owns("S", "X", 0.6), owns("X", "Y", 0.6), owns("Y", "V", 0.6))
    two = await contagion(db, ["S"], max_hops=2)
    assert listed(two) == [("X", 0.8, DR), ("Y", 0.64, DR), ("V", 0.4, RI)]
    assert evidence(two, "V") == [("S", 0.4, [("S", "Y", "SHAREHOLDING", 0.5, None), ("Y", "V", "CONTROL", 0.8, None)])]
    assert evidence(two, "Y") == [("S", 0.64, [("S", "X", "CONTROL", 0.8, None), ("X", "Y", "CONTROL", 0.8, None)])]
    three = await contagion(db, ["S"], max_hops=3)
    assert ("V", 0.512, RI) in listed(three)


async def test_hops_run_from_the_source_whatever_the_direction_of_the_records(db):
    # Z holds nothing: M2 holds 0.6 of Z (CONTROL), A holds 0.3 of M2 (SHAREHOLDING). From Z, maxHops 2:
    # M2 0.8, A 0.8*0.5 = 0.4; hops oriented Z -> M2 -> A.
    await build(db, owns("M2", "Z", 0.6), owns("A", "M2", 0.3))
    result = await contagion(db, ["Z"], max_hops=2)
    assert listed(result) == [("M2", 0.8, DR), ("A", 0.4, RI)]
    assert evidence(result, "A") == [
        ("Z", 0.4, [("Z", "M2", "CONTROL", 0.8, None), ("M2", "A", "SHAREHOLDING", 0.5, None)])
    ]


async def test_max_hops_bounds_the_reach_of_a_chain(db):
    # A chain of CONTROL ties S-C1-C2-...-C6: C_k scores 0.8^k when k <= maxHops, else is not listed.
    chain = ["S", "C1", "C2", "C3", "C4", "C5", "C6"]
    await build(db, *(owns(a, b, 0.9) for a, b in pairwise(chain)))
    one = await contagion(db, ["S"], max_hops=1)
    assert listed(one) == [("C1", 0.8, DR)]
    six = await contagion(db, ["S"], max_hops=6)
    # 0.8, 0.64, 0.512, 0.4096, 0.32768, 0.262144
    assert listed(six) == [
        ("C1", 0.8, DR),
        ("C2", 0.64, DR),
        ("C3", 0.512, RI),
        ("C4", 0.4096, RI),
        ("C5", 0.32768, RI),
        ("C6", 0.262144, INFO),
    ]
    assert len(evidence(six, "C6")[0][2]) == 6


# --- several sources -----------------------------------------------------------------------------


def three_sources() -> tuple[dict[str, Any], ...]:
    # SC-V CONTROL 0.8; SB-V SHARED_PERSON 0.6 (p1 LR of SB, officer of V); SA-W TRADE 0.3; W-V CONTROL 0.8.
    return (
        owns("SC", "V", 0.6),
        lr("p1", "SB"),
        officer("p1", "V"),
        trade("S1", "SA", "W"),
        owns("W", "V", 0.7),
    )


async def test_sources_combine_by_noisy_or_with_one_path_per_source_by_score(db):
    # V: best SC 0.8, SB 0.6, SA SA-W-V 0.3*0.8 = 0.24   -> 1 - 0.2*0.4*0.76 = 1 - 0.0608 = 0.9392
    # W: best SC SC-V-W 0.64, SB SB-V-W 0.48, SA 0.3     -> 1 - 0.36*0.52*0.7 = 1 - 0.13104 = 0.86896
    # The sources reach each other (SA-W-V-SC) but are never listed. Evidence: by path score, not by source id.
    await build(db, *three_sources())
    result = await contagion(db, ["SA", "SB", "SC"], max_hops=3)
    assert listed(result) == [("V", 0.9392, DR), ("W", 0.86896, DR)]
    assert evidence(result, "V") == [
        ("SC", 0.8, [("SC", "V", "CONTROL", 0.8, None)]),
        ("SB", 0.6, [("SB", "V", "SHARED_PERSON", 0.6, "p1")]),
        ("SA", 0.24, [("SA", "W", "TRADE", 0.3, None), ("W", "V", "CONTROL", 0.8, None)]),
    ]
    assert evidence(result, "W") == [
        ("SC", 0.64, [("SC", "V", "CONTROL", 0.8, None), ("V", "W", "CONTROL", 0.8, None)]),
        ("SB", 0.48, [("SB", "V", "SHARED_PERSON", 0.6, "p1"), ("V", "W", "CONTROL", 0.8, None)]),
        ("SA", 0.3, [("SA", "W", "TRADE", 0.3, None)]),
    ]


async def test_a_source_out_of_reach_adds_no_evidence(db):
    # Same graph, maxHops 1: V has SC 0.8 and SB 0.6 (SA is two edges away) -> 1 - 0.2*0.4 = 0.92;
    # W only SA 0.3.
    await build(db, *three_sources())
    result = await contagion(db, ["SA", "SB", "SC"], max_hops=1)
    assert listed(result) == [("V", 0.92, DR), ("W", 0.3, RI)]
    assert [source for source, _, _ in evidence(result, "V")] == ["SC", "SB"]
    assert [source for source, _, _ in evidence(result, "W")] == ["SA"]


async def test_a_source_is_not_listed_even_when_another_source_reaches_it(db):
    # S1-S2 CONTROL 0.8, S2-V TRADE 0.3.
    # Sources S1, S2: S2 is not listed; V: S2 0.3, S1 via S2 0.8*0.3 = 0.24 -> 1 - 0.7*0.76 = 0.468
    # (a path may pass through another source). Source S1 alone: S2 0.8, V 0.24.
    await build(db, owns("S1", "S2", 0.6), trade("T1", "S2", "V"))
    both = await contagion(db, ["S1", "S2"])
    assert listed(both) == [("V", 0.468, RI)]
    assert evidence(both, "V") == [
        ("S2", 0.3, [("S2", "V", "TRADE", 0.3, None)]),
        ("S1", 0.24, [("S1", "S2", "CONTROL", 0.8, None), ("S2", "V", "TRADE", 0.3, None)]),
    ]
    alone = await contagion(db, ["S1"])
    assert listed(alone) == [("S2", 0.8, DR), ("V", 0.24, INFO)]


async def test_a_source_named_twice_counts_once(db):
    # V: TRADE with S2 only -> 0.3 (not 1 - 0.7*0.7 = 0.51)
    await build(db, trade("T1", "S2", "V"))
    result = await contagion(db, ["S2", "S2"])
    assert listed(result) == [("V", 0.3, RI)]
    assert len(evidence(result, "V")) == 1


# --- filtering, ordering, actions -----------------------------------------------------------------


def star() -> tuple[dict[str, Any], ...]:
    # S-A CONTROL 0.8, S-B TRADE 0.3, S-C MINOR_SHARE 0.2; nothing else is tied.
    return (owns("S", "A", 0.6), trade("T1", "S", "B"), owns("S", "C", 0.1))


@pytest.mark.parametrize(
    ("min_score", "ids"),
    [
        (0.05, ["A", "B", "C"]),
        (0.2, ["A", "B", "C"]),  # a score equal to minScore is listed
        (0.21, ["A", "B"]),
        (0.3, ["A", "B"]),
        (0.31, ["A"]),
        (0.8, ["A"]),
        (0.81, []),
        (1, []),
    ],
)
async def test_min_score_keeps_scores_at_or_above_it(db, min_score, ids):
    await build(db, *star())
    assert [e.enterprise for e in await contagion(db, ["S"], min_score=min_score)] == ids


async def test_min_score_zero_lists_enterprises_out_of_reach_with_score_zero(db):
    # S-A TRADE 0.3; FAR is tied to nobody (and M, the BASE manufacturer, neither): score 0 >= minScore 0.
    await build(db, trade("T1", "S", "A"), firms=("FAR",))
    result = await contagion(db, ["S"], min_score=0)
    assert listed(result) == [("A", 0.3, RI), ("FAR", 0.0, INFO), ("M", 0.0, INFO)]
    assert evidence(result, "FAR") == []


async def test_equal_scores_are_ordered_by_id_also_when_computed_differently(db):
    # Sources S1, S2, maxHops 2.
    # S1-C8 CONTROL (S1 holds 0.9), B8-S1 CONTROL (B8 holds 0.5 of S1)      -> C8 0.8, B8 0.8
    # S1-MID SHARED_PERSON (p1 LR of both), MID-Z36 SHARED_PERSON (p2 officer of both)
    #                                                                        -> MID 0.6, Z36 0.6*0.6 = 0.36
    # S1-A36 MINOR_SHARE, S2-A36 MINOR_SHARE                                  -> A36 1 - 0.8*0.8 = 0.36
    # (S2 reaches MID, C8, B8 only in three edges.) In binary floating point 0.6*0.6 > 1 - 0.8*0.8, but the
    # two scores are equal, so the id decides: A36 before Z36.
    await build(
        db,
        owns("S1", "C8", 0.9),
        owns("B8", "S1", 0.5),
        lr("p1", "S1"),
        lr("p1", "MID"),
        officer("p2", "MID"),
        officer("p2", "Z36"),
        owns("S1", "A36", 0.1),
        owns("S2", "A36", 0.15),
    )
    result = await contagion(db, ["S1", "S2"], max_hops=2)
    assert listed(result) == [("B8", 0.8, DR), ("C8", 0.8, DR), ("MID", 0.6, DR), ("A36", 0.36, RI), ("Z36", 0.36, RI)]


async def test_actions_switch_exactly_at_0_6_and_0_3(db):
    # Sources S1, S2, maxHops 1 (direct ties only):
    # V1: S1 SHAREHOLDING 0.5, S2 MINOR_SHARE 0.2  -> 1 - 0.5*0.8 = 0.6 exactly  DOWNGRADE_REVIEW
    # V5: S1 SHARED_PERSON                         -> 0.6                       DOWNGRADE_REVIEW
    # V3: S1 TRADE, S2 TRADE                        -> 1 - 0.7*0.7 = 0.51         RAISED_INSPECTION
    # V2: S1 TRADE                                  -> 0.3 exactly               RAISED_INSPECTION
    # V4: S1 MINOR_SHARE                            -> 0.2                       INFORMATION
    await build(
        db,
        owns("S1", "V1", 0.3),
        owns("S2", "V1", 0.1),
        trade("T2", "S1", "V2"),
        trade("T31", "S1", "V3"),
        trade("T32", "V3", "S2"),
        owns("S1", "V4", 0.1),
        lr("p1", "S1"),
        officer("p1", "V5"),
    )
    result = await contagion(db, ["S1", "S2"], max_hops=1)
    assert listed(result) == [("V1", 0.6, DR), ("V5", 0.6, DR), ("V3", 0.51, RI), ("V2", 0.3, RI), ("V4", 0.2, INFO)]


# --- default sources: listings in force ------------------------------------------------------------


async def test_default_sources_are_the_enterprises_with_a_listing_in_force(db):
    # LIVE (listed 2020, no end) and LIVE2 (listed 2020, expires 2099) are listed now;
    # EXPIRED (2020-2021), FUTURE (listed from 2099) and LIFTED (lifted below) are not sources.
    # LIVE-EXPIRED CONTROL 0.8, LIVE-FUTURE SHAREHOLDING 0.5, LIVE-LIFTED TRADE 0.3, LIVE2-X MINOR_SHARE 0.2.
    await build(
        db,
        blacklist("K-LIVE", "LIVE", listedAt="2020-01-01"),
        blacklist("K-LIVE2", "LIVE2", listedAt="2020-01-01", expiresAt="2099-01-01"),
        blacklist("K-EXPIRED", "EXPIRED", listedAt="2020-01-01", expiresAt="2021-01-01"),
        blacklist("K-FUTURE", "FUTURE", listedAt="2099-01-01"),
        blacklist("K-LIFTED", "LIFTED", listedAt="2020-01-01"),
        owns("LIVE", "EXPIRED", 0.6),
        owns("LIVE", "FUTURE", 0.3),
        trade("T1", "LIVE", "LIFTED"),
        owns("LIVE2", "X", 0.1),
    )
    # Before the lift, sources LIVE, LIVE2, LIFTED (maxHops 3):
    # EXPIRED: LIVE 0.8, LIFTED-LIVE-EXPIRED 0.3*0.8 = 0.24 -> 1 - 0.2*0.76 = 0.848
    # FUTURE:  LIVE 0.5, LIFTED-LIVE-FUTURE 0.3*0.5 = 0.15  -> 1 - 0.5*0.85 = 0.575
    # X:       LIVE2 0.2
    before = await contagion(db)
    assert listed(before) == [("EXPIRED", 0.848, DR), ("FUTURE", 0.575, RI), ("X", 0.2, INFO)]

    await lift_listing(db, "K-LIFTED", reason="appeal upheld", by="test")
    # After: sources LIVE, LIVE2. EXPIRED 0.8, FUTURE 0.5, LIFTED 0.3, X 0.2.
    after = await contagion(db)
    assert listed(after) == [("EXPIRED", 0.8, DR), ("FUTURE", 0.5, RI), ("LIFTED", 0.3, RI), ("X", 0.2, INFO)]
    assert [s for s, _, _ in evidence(after, "LIFTED")] == ["LIVE"]
    assert [s for s, _, _ in evidence(after, "X")] == ["LIVE2"]


async def test_no_listing_in_force_means_nothing_is_exposed(db):
    await build(
        db, blacklist("K-EXPIRED", "EXPIRED", listedAt="2020-01-01", expiresAt="2021-01-01"), owns("EXPIRED", "A", 0.9)
    )
    assert await contagion(db) == []


async def test_an_empty_source_list_answers_nothing_not_the_default_sources(db):
    await build(db, blacklist("K-LIVE", "LIVE", listedAt="2020-01-01"), owns("LIVE", "A", 0.9))
    assert [e.enterprise for e in await contagion(db)] == ["A"]
    assert await contagion(db, []) == []


# --- bad input -----------------------------------------------------------------------------------


async def test_an_unknown_source_is_not_found_naming_it(db):
    await build(db, owns("A", "B", 0.9))
    with pytest.raises(NotFound) as raised:
        await contagion(db, ["A", "NOPE"])
    assert raised.value.ident == "NOPE"
    assert "NOPE" in str(raised.value)


async def test_a_person_is_not_a_source(db):
    await build(db, lr("p1", "A"), lr("p1", "B"))
    with pytest.raises(NotFound, match="p1"):
        await contagion(db, ["p1"])


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_hops": 0}, "maxHops"),
        ({"max_hops": 7}, "maxHops"),
        ({"min_score": -0.1}, "minScore"),
        ({"min_score": 1.5}, "minScore"),
    ],
)
async def test_arguments_out_of_range_are_bad_input_naming_the_argument(db, kwargs, argument):
    await build(db, owns("A", "B", 0.9))
    with pytest.raises(BadInput) as raised:
        await contagion(db, ["A"], **kwargs)
    assert raised.value.argument == argument
    assert argument in str(raised.value)


@pytest.mark.parametrize(("max_hops", "min_score"), [(1, 0), (6, 1), (6, 0), (1, 1)])
async def test_the_range_bounds_themselves_are_accepted(db, max_hops, min_score):
    # A-B CONTROL 0.8: listed unless minScore 1.
    await build(db, owns("A", "B", 0.9))
    result = await contagion(db, ["A"], max_hops=max_hops, min_score=min_score)
    # (scores of 0, which minScore 0 may list, are left aside: see the minScore 0 test)
    assert [e.enterprise for e in result if e.score > 0] == ([] if min_score == 1 else ["B"])


async def test_a_neighbourhood_larger_than_the_tie_limit_is_refused_naming_max_hops(db, monkeypatch):
    # The star has three ties, all within one hop of S.
    await build(db, *star())
    monkeypatch.setattr(db, "settings", db.settings.model_copy(update={"contagion_max_ties": 3}))
    assert [e.enterprise for e in await contagion(db, ["S"], max_hops=1)] == ["A", "B", "C"]
    monkeypatch.setattr(db, "settings", db.settings.model_copy(update={"contagion_max_ties": 2}))
    with pytest.raises(BadInput) as raised:
        await contagion(db, ["S"], max_hops=1)
    assert raised.value.argument == "maxHops"


# --- tie maintenance during imports ----------------------------------------------------------------


async def test_a_shipment_reimported_to_another_consignee_moves_the_trade_tie(db):
    await build(db, trade("T1", "A", "B"), firms=("C",))
    assert listed(await contagion(db, ["A"])) == [("B", 0.3, RI)]
    await load(db, trade("T1", "A", "C"))
    assert listed(await contagion(db, ["A"])) == [("C", 0.3, RI)]
    assert [(a, b) for a, b, _ in await tied_pairs(db)] == [("A", "C")]


async def test_a_shipment_reimported_between_other_parties_unties_the_old_pair(db):
    await build(db, trade("T1", "A", "B"), firms=("C", "D"))
    await load(db, trade("T1", "C", "D"))
    assert await contagion(db, ["A"]) == []
    assert listed(await contagion(db, ["C"])) == [("D", 0.3, RI)]
    assert [(a, b) for a, b, _ in await tied_pairs(db)] == [("C", "D")]


async def test_a_pair_stays_tied_while_another_shipment_joins_it(db):
    # T1 A->B and T2 B->A; T1 moves to A->C: A-B still TRADE (T2), A-C TRADE.
    await build(db, trade("T1", "A", "B"), trade("T2", "B", "A"), firms=("C",))
    await load(db, trade("T1", "A", "C"))
    assert listed(await contagion(db, ["A"], max_hops=1)) == [("B", 0.3, RI), ("C", 0.3, RI)]


async def test_when_the_strongest_tie_goes_the_next_one_takes_over(db):
    # A-B: TRADE 0.3 and MINOR_SHARE (A holds 0.1) 0.2 -> 0.3 TRADE; T1 moves to C -> A-B MINOR_SHARE 0.2.
    await build(db, owns("A", "B", 0.1), trade("T1", "A", "B"), firms=("C",))
    assert evidence(await contagion(db, ["A"], max_hops=1), "B") == [("A", 0.3, [("A", "B", "TRADE", 0.3, None)])]
    await load(db, trade("T1", "A", "C"))
    result = await contagion(db, ["A"], max_hops=1)
    assert listed(result) == [("C", 0.3, RI), ("B", 0.2, INFO)]
    assert evidence(result, "B") == [("A", 0.2, [("A", "B", "MINOR_SHARE", 0.2, None)])]


@pytest.mark.parametrize(
    ("share", "kind"), [(0.6, "CONTROL"), (0.3, "SHAREHOLDING"), (0.1, "MINOR_SHARE"), (0.5, "CONTROL")]
)
async def test_a_changed_share_changes_the_tie(db, share, kind):
    await build(db, owns("A", "B", 0.25))
    assert listed(await contagion(db, ["A"])) == [("B", 0.5, RI)]  # 0.25: SHAREHOLDING
    await load(db, owns("A", "B", share))
    assert evidence(await contagion(db, ["A"]), "B") == [("A", WEIGHT[kind], [("A", "B", kind, WEIGHT[kind], None)])]


async def test_a_person_whose_share_falls_below_half_no_longer_ties_the_pair(db):
    # p1 holds 0.6 of A and is LR of B: SHARED_PERSON. p1's share becomes 0.4: no tie left.
    await build(db, owns("p1", "A", 0.6), lr("p1", "B"))
    assert listed(await contagion(db, ["A"])) == [("B", 0.6, DR)]
    await load(db, owns("p1", "A", 0.4))
    assert await contagion(db, ["A"]) == []
    assert await tied_pairs(db) == []


async def test_ties_form_across_imports(db):
    # p1 is LR of A in one import and becomes officer of B in a later one: A-B SHARED_PERSON.
    # A's CONTROL over C arrives in a third import, naming only known records.
    await build(db, lr("p1", "A"), firms=("B", "C"))
    assert await contagion(db, ["A"]) == []
    await load(db, officer("p1", "B"))
    await load(db, owns("A", "C", 0.7))
    # B 0.6 and C 0.8 directly; via each other: B-A-C etc. are weaker.
    result = await contagion(db, ["A"])
    assert listed(result) == [("C", 0.8, DR), ("B", 0.6, DR)]
    assert evidence(result, "B") == [("A", 0.6, [("A", "B", "SHARED_PERSON", 0.6, "p1")])]


async def test_one_import_ties_more_enterprises_than_a_refresh_batch(db):
    # H ships to 23 enterprises in one import (the suite's refresh batches hold 10): each at TRADE 0.3.
    ids = [f"R{i:02d}" for i in range(23)]
    await build(db, *(trade(f"T{i}", "H", r) for i, r in enumerate(ids)))
    assert listed(await contagion(db, ["H"], max_hops=1)) == [(r, 0.3, RI) for r in ids]


async def test_a_shipment_recomputes_only_its_pair_not_every_tie_of_its_hub(db, monkeypatch):
    await build(db, owns("A", "B", 0.6), trade("T1", "A", "C"), firms=("D",))
    written = statements_run(db, monkeypatch, "write")
    await load(db, trade("T2", "A", "D"))
    assert "contagion/refresh_pairs" in written and "contagion/refresh_ties" not in written
    assert listed(await contagion(db, ["A"], max_hops=1)) == [("B", 0.8, DR), ("C", 0.3, RI), ("D", 0.3, RI)]


async def test_more_pairs_than_a_refresh_batch_are_all_tied(db):
    # The suite's import batches hold 50 records, and the pair refresh's as many: 60 pairs take two.
    ids = [f"R{i:02d}" for i in range(60)]
    await build(db, *(trade(f"T{i}", "H", r) for i, r in enumerate(ids)))
    assert listed(await contagion(db, ["H"], max_hops=1)) == [(r, 0.3, RI) for r in ids]


@pytest.mark.parametrize("seed", range(4))
async def test_ties_kept_pair_by_pair_are_those_a_whole_recompute_gives(db, seed):
    # Imports of shipments (some moved to other parties by a later import) and links, in random order; after
    # them, recomputing every enterprise's ties whole changes nothing.
    rng = random.Random(seed)
    firms = [f"F{i}" for i in range(7)]
    people = ["p1", "p2", "p3"]
    await build(db, *(lr(p, firms[i]) for i, p in enumerate(people)), firms=tuple(firms))
    for _ in range(6):
        records: dict[str, dict[str, Any]] = {}
        for _ in range(rng.randint(1, 6)):
            a, b = rng.sample(firms, 2)
            kind = rng.choice(("trade", "trade", "trade", "owns", "person"))
            if kind == "trade":
                record = trade(f"T{rng.randrange(10)}", a, b)
            elif kind == "owns":
                record = owns(a, b, rng.choice((0.1, 0.3, 0.6)))
            else:
                record = rng.choice((lr, officer))(rng.choice(people), a)
            records[identity(record)] = record  # one record per identity in an import
        await load(db, *records.values())
    kept = sorted(await tied_pairs(db), key=repr)
    await refresh_ties(db, firms)
    assert sorted(await tied_pairs(db), key=repr) == kept


def identity(record: dict[str, Any]) -> str:
    """A record's identity within an import: a shipment's id, a link's kind and ends."""
    return record.get("id") or f"{record['kind']}:{record['from']}:{record['to']}"


async def test_importing_the_same_records_again_changes_no_tie_and_no_score(db):
    records = three_sources()
    await build(db, *records)
    ties_before = await tied_pairs(db)
    scores_before = await contagion(db, ["SA", "SB", "SC"])
    again = await load(db, *records)
    assert (again.created, again.updated) == (0, 0)
    assert await tied_pairs(db) == ties_before
    assert await contagion(db, ["SA", "SB", "SC"]) == scores_before


# --- the per-process cache of the tie graph ----------------------------------------------------------


async def test_a_repeated_request_reads_the_ties_version_not_the_ties(db, monkeypatch):
    await build(db, *three_sources())
    first = await contagion(db, ["SA", "SB", "SC"])
    names = statements_run(db, monkeypatch)
    assert await contagion(db, ["SA", "SB", "SC"]) == first
    assert await contagion(db, ["SA"], max_hops=2) == await contagion(db, ["SA"], max_hops=2)
    assert "contagion/tie_version" in names
    assert not {"contagion/neighbourhood", "contagion/all_ties"} & set(names)


async def test_every_refresh_gives_the_ties_a_new_version_and_the_next_request_reads_them(db, monkeypatch):
    await build(db, owns("A", "B", 0.25), firms=("C",))
    assert listed(await contagion(db, ["A"])) == [("B", 0.5, RI)]
    version = (await db.read("contagion/tie_version"))[0]["version"]
    await load(db, owns("A", "C", 0.9))
    assert (await db.read("contagion/tie_version"))[0]["version"] != version
    names = statements_run(db, monkeypatch)
    assert listed(await contagion(db, ["A"])) == [("C", 0.8, DR), ("B", 0.5, RI)]
    assert names.count("contagion/all_ties") == 1


@pytest.mark.parametrize("seed", range(4))
async def test_the_cached_tie_graph_answers_as_the_neighbourhood_does(db, monkeypatch, seed):
    # A random graph of 14 firms with every kind of tie (a few shared people): every answer and its evidence,
    # searched on the whole cached graph, equals the answer searched on the neighbourhood of its sources.
    rng = random.Random(seed)
    firms = [f"F{i:02d}" for i in range(14)]
    records: list[dict[str, Any]] = []
    for i, a in enumerate(firms):
        for b in firms[i + 1 :]:
            roll = rng.random()
            if roll < 0.08:
                records.append(owns(a, b, rng.choice([0.1, 0.3, 0.6])))
            elif roll < 0.16:
                records.append(trade(f"T{a}{b}", a, b))
    for p in ("p1", "p2"):
        records += [lr(p, rng.choice(firms)), officer(p, rng.choice(firms))]
    await build(db, *records, firms=tuple(firms))
    cases = [(rng.sample(firms, rng.randint(1, 3)), rng.randint(1, 4)) for _ in range(6)]
    cached = [await contagion(db, sources, max_hops=hops, evidence=True) for sources, hops in cases]

    async def no_cache(graph: Graph) -> None:
        return None

    monkeypatch.setattr("graph.contagion.cached_ties", no_cache)
    for (sources, hops), answer in zip(cases, cached, strict=True):
        assert answer == await contagion(db, sources, max_hops=hops, evidence=True), (sources, hops)


# --- the computation on in-memory ties ---------------------------------------------------------------


def ties(*found: tuple[str, str, str]) -> TieGraph:
    """(a, b, kind) -> the ties; SHARED_PERSON via 'p'."""
    a, b, kinds = (list(c) for c in zip(*found, strict=True)) if found else ([], [], [])
    vias = ["p" if k == "SHARED_PERSON" else None for k in kinds]
    return TieGraph(a, b, kinds, [WEIGHT[k] for k in kinds], vias)


def best_paths(graph: TieGraph, source: str, max_hops: int) -> dict[str, ContagionPath]:
    """best(source, v) and a path achieving it, for every v != source reachable in max_hops ties: with one source,
    each exposure's score is its best and its one piece of evidence the path."""
    found = exposures(graph, [source], max_hops, 0)
    assert all(len(e.evidence) == 1 for e in found)
    return {e.enterprise: e.evidence[0] for e in found}


def test_a_tie_seen_from_both_ends_counts_once():
    graph = ties(("A", "B", "CONTROL"), ("B", "A", "SHAREHOLDING"))
    assert len(graph.dst) == 2  # one tie, as an edge each way
    assert [h.kind for h in best_paths(graph, "A", 1)["B"].hops] == ["CONTROL"]  # the first row of the pair
    assert [h.kind for h in best_paths(graph, "B", 1)["A"].hops] == ["CONTROL"]


def test_best_paths_respect_the_hop_bound_on_the_value_they_extend():
    # The trap of the graph test above, in memory: S-Y 0.5, S-X 0.8, X-Y 0.8, Y-V 0.8.
    graph = ties(("S", "Y", "SHAREHOLDING"), ("S", "X", "CONTROL"), ("X", "Y", "CONTROL"), ("Y", "V", "CONTROL"))
    two = best_paths(graph, "S", 2)
    assert {v: round(p.score, 9) for v, p in two.items()} == {"X": 0.8, "Y": 0.64, "V": 0.4}
    assert [h.to_id for h in two["V"].hops] == ["Y", "V"]
    three = best_paths(graph, "S", 3)
    assert round(three["V"].score, 9) == 0.512
    assert [h.to_id for h in three["V"].hops] == ["X", "Y", "V"]


def test_best_paths_leave_out_the_source_and_what_is_out_of_reach():
    graph = ties(("S", "A", "TRADE"), ("A", "B", "TRADE"), ("C", "D", "CONTROL"))
    assert set(best_paths(graph, "S", 1)) == {"A"}
    assert {v: round(p.score, 9) for v, p in best_paths(graph, "S", 6).items()} == {"A": 0.3, "B": 0.09}


def test_a_two_hop_product_of_exactly_0_3_raises_inspection():
    # S-H SHAREHOLDING 0.5, H-V SHARED_PERSON 0.6 -> V 0.3 RAISED_INSPECTION; H 0.5.
    # S-K TRADE 0.3, K-L CONTROL 0.8 -> L 0.24 INFORMATION; K 0.3.
    graph = ties(("S", "H", "SHAREHOLDING"), ("H", "V", "SHARED_PERSON"), ("S", "K", "TRADE"), ("K", "L", "CONTROL"))
    found = exposures(graph, ["S"], 2, 0.05)
    assert listed(found) == [("H", 0.5, RI), ("K", 0.3, RI), ("V", 0.3, RI), ("L", 0.24, INFO)]


# A reference computation in exact arithmetic, by enumerating every simple path (a path that repeats a node
# never has a larger product, as every weight is below 1): independent of the Bellman-Ford under test.
EXACT = {k: Fraction(str(w)) for k, w in WEIGHT.items()}


def brute_best(edges: dict[frozenset[str], str], source: str, max_hops: int) -> dict[str, Fraction]:
    neighbours: dict[str, list[tuple[str, Fraction]]] = {}
    for pair, kind in edges.items():
        a, b = sorted(pair)
        neighbours.setdefault(a, []).append((b, EXACT[kind]))
        neighbours.setdefault(b, []).append((a, EXACT[kind]))
    best: dict[str, Fraction] = {}

    def walk(node: str, value: Fraction, seen: frozenset[str], hops: int) -> None:
        if hops == max_hops:
            return
        for other, weight in neighbours.get(node, ()):
            if other not in seen:
                reached = value * weight
                if other != source and reached > best.get(other, Fraction(0)):
                    best[other] = reached
                walk(other, reached, seen | {other}, hops + 1)

    walk(source, Fraction(1), frozenset({source}), 0)
    return best


def random_graph(rng: random.Random, size: int) -> dict[frozenset[str], str]:
    nodes = [f"N{i}" for i in range(size)]
    kinds = list(WEIGHT)
    return {
        frozenset((a, b)): rng.choice(kinds) for i, a in enumerate(nodes) for b in nodes[i + 1 :] if rng.random() < 0.35
    }


def as_ties(edges: dict[frozenset[str], str]) -> TieGraph:
    return ties(*((*sorted(pair), kind) for pair, kind in edges.items()))


@pytest.mark.parametrize("seed", range(12))
def test_best_paths_agree_with_exhaustive_enumeration(seed):
    rng = random.Random(seed)
    edges = random_graph(rng, 7)
    graph = as_ties(edges)
    for max_hops in range(1, 5):
        expected = brute_best(edges, "N0", max_hops)
        found = best_paths(graph, "N0", max_hops)
        assert set(found) == set(expected), (seed, max_hops)
        for v, path in found.items():
            assert path.score == pytest.approx(float(expected[v]), abs=1e-9), (seed, max_hops, v)
            # the evidence is a real path of at most max_hops ties, from the source to v, whose product is the score
            assert 1 <= len(path.hops) <= max_hops
            assert path.hops[0].from_id == "N0"
            assert path.hops[-1].to_id == v
            assert all(h.to_id == n.from_id for h, n in pairwise(path.hops))
            product = Fraction(1)
            for h in path.hops:
                kind = edges[frozenset((h.from_id, h.to_id))]
                assert (h.kind, h.weight) == (kind, WEIGHT[kind])
                product *= EXACT[kind]
            assert float(product) == pytest.approx(path.score, abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_exposures_agree_with_exact_noisy_or(seed):
    rng = random.Random(100 + seed)
    edges = random_graph(rng, 8)
    sources = ["N0", "N1", "N2"][: 1 + seed % 3]
    max_hops = 1 + seed % 4
    min_score = Fraction("0.123")
    spared: dict[str, Fraction] = {}
    bests = {s: brute_best(edges, s, max_hops) for s in sources}
    for best in bests.values():
        for v, value in best.items():
            if v not in sources:
                spared[v] = spared.get(v, Fraction(1)) * (1 - value)
    expected = sorted(
        ((v, 1 - rest) for v, rest in spared.items() if 1 - rest >= min_score), key=lambda e: (-e[1], e[0])
    )

    found = exposures(as_ties(edges), sources, max_hops, float(min_score))
    assert [e.enterprise for e in found] == [v for v, _ in expected], seed
    for exposure, (v, score) in zip(found, expected, strict=True):
        assert exposure.score == pytest.approx(float(score), abs=1e-9)
        assert exposure.action == (DR if score >= Fraction("0.6") else RI if score >= Fraction("0.3") else INFO)
        reaching = sorted(((s, bests[s][v]) for s in sources if v in bests[s]), key=lambda e: -e[1])
        assert sorted(p.source_id for p in exposure.evidence) == sorted(s for s, _ in reaching)
        assert [p.score for p in exposure.evidence] == pytest.approx([float(b) for _, b in reaching], abs=1e-9)
