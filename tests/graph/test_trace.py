"""traceBack semantics (contract/core.graphql): shortest depth wins, maxDepth cuts, orderings, errors."""

import pytest

from graph.errors import BadInput, NotFound
from graph.trace import shipments_of, trace_back, trace_edges
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
    assert {(t.batch.product_id, t.batch.producer_id, t.batch.unit) for t in trace.upstream} == {("P1", "M", "KGM")}


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
    assert trace.custody[0].from_id == "M" and trace.custody[0].to_id == "R2"


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


# --- v2: the trace's edges --------------------------------------------------------------------------------------


async def test_edges_are_every_input_to_edge_between_traced_lots_by_output_then_input(traced):
    trace = await trace_back(traced, "ROOT", max_depth=10)
    # ROOT -> Z is downstream and U unrelated: neither is in the trace.
    assert [(e.input, e.output, e.quantity, e.unit) for e in await trace_edges(traced, trace)] == [
        ("C", "A", 1.0, "KGM"),
        ("D", "B", 2.0, "KGM"),
        ("D", "C", 1.0, "KGM"),
        ("E", "D", 1.0, "KGM"),
        ("F", "E", 1.0, "KGM"),
        ("A", "ROOT", 5.0, "KGM"),
        ("B", "ROOT", 5.0, "KGM"),
    ]


async def test_at_a_depth_cut_an_edge_counts_when_both_ends_are_traced(traced):
    # maxDepth 2 traces A, B (1), C, D (2). D -> C joins two lots of depth 2: it is an edge of the answer; E -> D
    # is not (E is at depth 3).
    trace = await trace_back(traced, "ROOT", max_depth=2)
    assert [(e.input, e.output) for e in await trace_edges(traced, trace)] == [
        ("C", "A"),
        ("D", "B"),
        ("D", "C"),
        ("A", "ROOT"),
        ("B", "ROOT"),
    ]


async def test_a_diamond_gives_four_edges_each_in_its_input_unit(db):
    # MILK (KGM) went into CREAM (KGM) and CHEESE (EA), both into PLATTER: the four sides of the diamond.
    await load(
        db,
        *BASE,
        batch("MILK"),
        batch("CREAM", [("MILK", 300)]),
        batch("CHEESE", [("MILK", 700)], unit="EA"),
        batch("PLATTER", [("CREAM", 20), ("CHEESE", 40)], unit="EA"),
    )
    trace = await trace_back(db, "PLATTER", max_depth=10)
    assert [(t.batch.id, t.depth) for t in trace.upstream] == [("CHEESE", 1), ("CREAM", 1), ("MILK", 2)]
    assert [(e.input, e.output, e.quantity, e.unit) for e in await trace_edges(db, trace)] == [
        ("MILK", "CHEESE", 700.0, "KGM"),
        ("MILK", "CREAM", 300.0, "KGM"),
        ("CHEESE", "PLATTER", 40.0, "EA"),
        ("CREAM", "PLATTER", 20.0, "KGM"),
    ]


async def test_a_lot_without_inputs_has_no_edges(traced):
    assert await trace_edges(traced, await trace_back(traced, "F", max_depth=10)) == []


async def test_more_edges_than_the_limit_are_refused_with_advice(traced):
    trace = await trace_back(traced, "ROOT", max_depth=10)
    with pytest.raises(BadInput, match="lower maxDepth"):
        await trace_edges(traced, trace, limit=6)
    assert len(await trace_edges(traced, trace, limit=7)) == 7


async def test_the_shipments_of_traced_lots_by_instant_then_id_lined_up_with_the_ids(traced):
    await load(
        traced,
        shipment("S2", "A", "R1", shipped_at="2026-03-05"),
        shipment("S1", "A", "R2", shipped_at="2026-03-05"),
        shipment("S0", "A", "R1", shipped_at="2026-03-04T23:00:00-08:00"),  # 07:00 UTC on the 5th
        shipment("S9", "C", "R2", quantity=3),
    )
    found = await shipments_of(traced, ["A", "B", "NOPE", "C", "A"])
    assert [[s.id for s in f] for f in found] == [["S1", "S2", "S0"], [], [], ["S9"], ["S1", "S2", "S0"]]
    assert (found[3][0].batch_id, found[3][0].from_id, found[3][0].to_id, found[3][0].quantity) == ("C", "M", "R2", 3.0)
    with pytest.raises(BadInput, match="'A' has more than 2 shipments"):
        await shipments_of(traced, ["C", "A"], limit=2)
