"""traceBack semantics (contract/core.graphql): shortest depth wins, maxDepth cuts, orderings, errors."""

import pytest

from graph.errors import BadInput, NotFound
from graph.trace import trace_back
from tests.conftest import BASE, batch, enterprise, load, shipment

# input -> output edges: A->ROOT, B->ROOT, C->A, D->C, D->B, E->D, F->E; ROOT->Z is downstream, U unrelated.
# D is 3 hops from ROOT through C and A, 2 through B: its depth is 2.
GRAPH = (
    *BASE,
    enterprise("R1"),
    enterprise("R2"),
    batch("F"),
    batch("E", [("F", 1)]),
    batch("D", [("E", 1)]),
    batch("C", [("D", 1)]),
    batch("B", [("D", 2)]),
    batch("A", [("C", 1)]),
    batch("ROOT", [("A", 5), ("B", 5)]),
    batch("Z", [("ROOT", 1)]),
    batch("U"),
)


@pytest.fixture
async def traced(db):
    await load(db, *GRAPH)
    return db


async def test_upstream_is_every_ancestor_at_its_shortest_depth_ordered_by_depth_then_id(traced):
    trace = await trace_back(traced, "ROOT", max_depth=10)
    assert trace.root.id == "ROOT"
    assert [(t.batch.id, t.depth) for t in trace.upstream] == [
        ("A", 1),
        ("B", 1),
        ("C", 2),
        ("D", 2),
        ("E", 3),
        ("F", 4),
    ]


@pytest.mark.parametrize(
    ("max_depth", "expected"),
    [(1, ["A", "B"]), (2, ["A", "B", "C", "D"]), (3, ["A", "B", "C", "D", "E"]), (4, ["A", "B", "C", "D", "E", "F"])],
)
async def test_max_depth_cuts_the_upstream(traced, max_depth, expected):
    trace = await trace_back(traced, "ROOT", max_depth=max_depth)
    assert [t.batch.id for t in trace.upstream] == expected


async def test_a_batch_with_no_inputs_has_an_empty_upstream(traced):
    trace = await trace_back(traced, "F", max_depth=10)
    assert trace.upstream == []


async def test_upstream_batches_carry_their_product_and_producer(traced):
    trace = await trace_back(traced, "ROOT", max_depth=1)
    assert {(t.batch.product, t.batch.producer, t.batch.unit) for t in trace.upstream} == {("P1", "M", "KGM")}


async def test_custody_is_the_roots_shipments_by_instant_then_id(traced):
    await load(
        traced,
        shipment("S2", "ROOT", "R1", shipped_at="2026-03-05"),
        shipment("S1", "ROOT", "R2", shipped_at="2026-03-05"),
        # 23:00 at UTC-8 on the 4th is 07:00 UTC on the 5th: after both midnight shipments.
        shipment("S0", "ROOT", "R1", shipped_at="2026-03-04T23:00:00-08:00"),
        shipment("S9", "ROOT", "R2", shipped_at="2026-03-01T08:00:00+08:00"),
        shipment("SX", "A", "R1"),  # another batch's shipment is not custody of ROOT
    )
    trace = await trace_back(traced, "ROOT", max_depth=10)
    assert [s.id for s in trace.custody] == ["S9", "S1", "S2", "S0"]
    assert trace.custody[0].from_ == "M" and trace.custody[0].to == "R2"


async def test_unknown_batch_is_not_found_naming_the_id(traced):
    with pytest.raises(NotFound, match="NOPE"):
        await trace_back(traced, "NOPE", max_depth=10)


@pytest.mark.parametrize("max_depth", [0, -1, 51])
async def test_max_depth_outside_1_to_50_is_bad_input(traced, max_depth):
    with pytest.raises(BadInput) as err:
        await trace_back(traced, "ROOT", max_depth=max_depth)
    assert err.value.argument == "maxDepth"


async def test_depth_50_reaches_the_end_of_a_50_tier_chain_and_49_does_not(db):
    chain = [batch("T0")] + [batch(f"T{i}", [(f"T{i - 1}", 1)]) for i in range(1, 51)]
    await load(db, *BASE, *chain)
    full = await trace_back(db, "T50", max_depth=50)
    assert len(full.upstream) == 50 and full.upstream[-1].batch.id == "T0" and full.upstream[-1].depth == 50
    cut = await trace_back(db, "T50", max_depth=49)
    assert len(cut.upstream) == 49 and cut.upstream[-1].batch.id == "T1"


async def test_a_trace_larger_than_the_limit_is_refused_with_advice(traced):
    with pytest.raises(BadInput, match="lower maxDepth"):
        await trace_back(traced, "ROOT", max_depth=10, limit=3)
