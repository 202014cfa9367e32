"""Mass balance: a party that shipped and used more of a lot than it produced and received is flagged, with what
it produced, received, shipped and used; a party whose flows balance exactly (also in float parts) is not."""

from __future__ import annotations

import pytest

from graph.mass_balance import MassBalanceIssue, of_batches
from tests.chain import CHAIN
from tests.conftest import BASE, batch, enterprise, load, shipment

# LOT: 1 000 KGM made by M. M ships 600 to A and 400 to B: exact. A ships 500 on to C and uses 200 in its own lot
# ALOT: 700 out of 600 in. B ships 0.1 + 0.2 + 399.7 on to C: exactly its 400. C ships nothing.
GRAPH = (
    *BASE,
    enterprise("A"),
    enterprise("B"),
    enterprise("C"),
    batch("LOT"),
    batch("ALOT", [("LOT", 200)], producer="A"),
    shipment("S1", "LOT", "A", quantity=600),
    shipment("S2", "LOT", "B", quantity=400),
    shipment("S3", "LOT", "C", quantity=500, from_="A"),
    shipment("S4", "LOT", "C", quantity=0.1, from_="B"),
    shipment("S5", "LOT", "C", quantity=0.2, from_="B"),
    shipment("S6", "LOT", "C", quantity=399.7, from_="B"),
)


@pytest.fixture
async def g(db):
    await load(db, *GRAPH)
    return db


async def test_a_party_that_shipped_and_used_more_than_it_received_is_flagged(g):
    [issues] = await of_batches(g, ["LOT"])
    assert issues == [
        MassBalanceIssue(enterprise_id="A", batch_id="LOT", produced=0, received=600, shipped=500, used=200, unit="KGM")
    ]


async def test_the_producer_that_ships_more_than_it_made_is_flagged_and_an_exact_balance_is_not(g):
    # M made 1 000 and shipped 1 000: balanced. Then a correction ships 1 200 to B: 1 600 out of 1 000 made.
    assert [i.enterprise_id for i in (await of_batches(g, ["LOT"]))[0]] == ["A"]
    await load(g, shipment("S2", "LOT", "B", quantity=1_000))
    [issues] = await of_batches(g, ["LOT"])
    assert [(i.enterprise_id, i.produced, i.received, i.shipped, i.used) for i in issues] == [
        ("A", 0, 600, 500, 200),
        ("M", 1_000, 0, 1_600, 0),
    ]  # by enterprise id; B now received 1 000 and shipped 400: under, not over


async def test_a_party_that_ships_a_lot_it_never_received_nor_made_is_flagged(g):
    await load(g, enterprise("X"), shipment("S9", "ALOT", "C", quantity=5, from_="X"))
    [issues] = await of_batches(g, ["ALOT"])
    assert issues == [
        MassBalanceIssue(enterprise_id="X", batch_id="ALOT", produced=0, received=0, shipped=5, used=0, unit="KGM")
    ]


async def test_a_chain_that_balances_everywhere_has_no_issue(db):
    # Every tier of the chain shipped and used at most what it received or made; NZ, IMP and the makers exactly.
    await load(db, *CHAIN)
    assert await of_batches(db, ["POWDER", "PREMIX", "BREAD", "SUGAR"]) == [[], [], [], []]


async def test_issues_line_up_with_the_ids_asked_for_and_an_unknown_id_has_none(g):
    found = await of_batches(g, ["ALOT", "NOPE", "LOT", "LOT"])
    assert [[i.enterprise_id for i in f] for f in found] == [[], [], ["A"], ["A"]]
