"""recallScope semantics (contract/core.graphql): multi-source, shortest depth, holdings, orderings, CSV rows."""

import pytest

from graph.errors import BadInput, NotFound
from graph.recall_scope import recall_rows, recall_scope
from tests.chain import CHAIN, CHAIN_EDGES, CHAIN_HOLDINGS
from tests.conftest import BASE, batch, enterprise, load, shipment

# input -> output: D->C->A->ROOT, D->B->ROOT, ROOT->Z->Y; U is unrelated.
GRAPH = (
    *BASE,
    enterprise("R1", name="Retailer One"),
    enterprise("R2", name="Retailer Two"),
    enterprise("W", name="Wholesaler"),
    batch("D"),
    batch("C", [("D", 1)]),
    batch("B", [("D", 1)]),
    batch("A", [("C", 1)]),
    batch("ROOT", [("A", 1), ("B", 1)], unit="EA"),
    batch("Z", [("ROOT", 1)]),
    batch("Y", [("Z", 1)]),
    batch("U"),
    # ROOT to R1 twice (summed), to R2 once; B to R1; U (not affected) to R1; Z from W to R2.
    shipment("S1", "ROOT", "R1", quantity=10, shipped_at="2026-03-09"),
    shipment("S2", "ROOT", "R1", quantity=15, shipped_at="2026-03-02"),
    shipment("S3", "ROOT", "R2", quantity=7),
    shipment("S4", "B", "R1", quantity=5),
    shipment("S5", "U", "R1", quantity=99),
    shipment("S6", "Z", "R2", quantity=3, from_="W"),
)


@pytest.fixture
async def recall_graph(db):
    await load(db, *GRAPH)
    return db


async def test_affected_are_sources_and_descendants_at_shortest_depth_over_all_sources(recall_graph):
    scope = await recall_scope(recall_graph, ["D", "A"], max_depth=10)
    assert [b.id for b in scope.sources] == ["D", "A"]
    # ROOT is 3 hops from D through C and A, 2 through B, and 1 from A: depth 1.
    assert [(t.batch.id, t.depth) for t in scope.affected] == [
        ("A", 0),
        ("D", 0),
        ("B", 1),
        ("C", 1),
        ("ROOT", 1),
        ("Z", 2),
        ("Y", 3),
    ]


async def test_max_depth_cuts_the_scope(recall_graph):
    scope = await recall_scope(recall_graph, ["D"], max_depth=2)
    assert [(t.batch.id, t.depth) for t in scope.affected] == [("D", 0), ("B", 1), ("C", 1), ("A", 2), ("ROOT", 2)]


async def test_holdings_are_summed_per_consignee_and_batch_ordered_by_enterprise_then_batch(recall_graph):
    scope = await recall_scope(recall_graph, ["D"], max_depth=10)
    got = [(c.enterprise_id, [(h.batch.id, h.quantity, h.unit) for h in c.holdings]) for c in scope.consignees]
    assert got == [
        ("R1", [("B", 5.0, "KGM"), ("ROOT", 25.0, "EA")]),
        ("R2", [("ROOT", 7.0, "EA"), ("Z", 3.0, "KGM")]),
    ]


async def test_unaffected_shipments_and_a_cut_depth_leave_consignees_out(recall_graph):
    scope = await recall_scope(recall_graph, ["Z"], max_depth=1)
    assert [c.enterprise_id for c in scope.consignees] == ["R2"]
    assert [(h.batch.id, h.quantity) for h in scope.consignees[0].holdings] == [("Z", 3.0)]


async def test_duplicate_sources_count_once(recall_graph):
    scope = await recall_scope(recall_graph, ["ROOT", "ROOT"], max_depth=10)
    assert [b.id for b in scope.sources] == ["ROOT"]
    assert [t.batch.id for t in scope.affected] == ["ROOT", "Z", "Y"]


async def test_unknown_source_is_not_found_naming_it(recall_graph):
    with pytest.raises(NotFound, match="'NOPE'"):
        await recall_scope(recall_graph, ["D", "NOPE"], max_depth=10)


@pytest.mark.parametrize(
    ("ids", "depth", "argument"), [([], 10, "batchIds"), (["D"], 0, "maxDepth"), (["D"], 51, "maxDepth")]
)
async def test_bad_arguments_name_the_argument(recall_graph, ids, depth, argument):
    with pytest.raises(BadInput) as err:
        await recall_scope(recall_graph, ids, max_depth=depth)
    assert err.value.argument == argument


async def test_spreadsheet_rows_one_per_consignee_and_batch_with_names_dates_and_depth(recall_graph):
    rows = await recall_rows(recall_graph, ["D"], max_depth=10)
    assert [(r.consignee_id, r.holding.batch.id) for r in rows] == [
        ("R1", "B"),
        ("R1", "ROOT"),
        ("R2", "ROOT"),
        ("R2", "Z"),
    ]
    root_r1 = rows[1]
    assert (root_r1.consignee.name, root_r1.product.name, root_r1.producer.name) == (
        "Retailer One",
        "Product P1",
        "Enterprise M",
    )
    h = root_r1.holding
    assert (h.quantity, h.on_hand, h.unit, h.shipments, h.first_shipped_at, h.last_shipped_at, h.depth) == (
        25.0,
        25.0,
        "EA",
        2,
        "2026-03-02",
        "2026-03-09",
        2,  # D->B->ROOT
    )
    # The shipments that make it up, by shippedAt: who shipped them, under which declaration (none here).
    assert [(c.shipment, c.consignor, c.declaration) for c in h.carried] == [("S2", "M", None), ("S1", "M", None)]
    assert root_r1.consignors == [("M", "Enterprise M")]
    assert root_r1.sources == ["D"]
    assert rows[3].consignors == [("W", "Wholesaler")]


async def test_spreadsheet_rows_say_which_asked_lots_each_row_descends_from_within_max_depth(recall_graph):
    # D->C->A->ROOT, D->B->ROOT, ROOT->Z->Y; from A, ROOT is one hop and Z two; from B, ROOT is one hop.
    rows = await recall_rows(recall_graph, ["A", "B", "D"], max_depth=2)
    got = {(r.consignee_id, r.holding.batch.id): r.sources for r in rows}
    assert got == {
        ("R1", "B"): ["B", "D"],  # B is asked, and one hop from D
        ("R1", "ROOT"): ["A", "B", "D"],  # D reaches it in 2 through B (3 through C and A)
        ("R2", "ROOT"): ["A", "B", "D"],
        ("R2", "Z"): ["A", "B"],  # 2 from A and from B, 3 from D: beyond maxDepth
    }


# --- v2: what each consignee forwarded, used and still holds; the scope's edges ---------------------------------


async def test_holdings_say_what_each_consignee_forwarded_used_and_still_holds_down_a_chain(db):
    await load(db, *CHAIN)
    scope = await recall_scope(db, ["POWDER"], max_depth=10)
    assert [(t.batch.id, t.depth) for t in scope.affected] == [("POWDER", 0), ("PREMIX", 1), ("BREAD", 2)]
    got = [
        (c.enterprise_id, h.batch.id, h.quantity, h.forwarded, h.used, h.on_hand, h.unit)
        for c in scope.consignees
        for h in c.holdings
    ]
    assert got == CHAIN_HOLDINGS


async def test_a_use_beyond_the_depth_cut_is_still_a_use(db):
    # At maxDepth 1 BREAD is not affected, but BAK used 1 000 of PREMIX to make it: BAK still holds 4 000 of PREMIX.
    await load(db, *CHAIN)
    scope = await recall_scope(db, ["POWDER"], max_depth=1)
    holdings = {(c.enterprise_id, h.batch.id): (h.used, h.on_hand) for c in scope.consignees for h in c.holdings}
    assert holdings[("BAK", "PREMIX")] == (1_000.0, 4_000.0)
    assert ("SHOP", "BREAD") not in holdings
    assert [(e.input, e.output) for e in scope.edges] == [("POWDER", "PREMIX")]  # PREMIX -> BREAD has one end out


async def test_scope_edges_are_every_input_to_edge_between_affected_lots_by_output_then_input(db):
    await load(db, *CHAIN)
    scope = await recall_scope(db, ["POWDER"], max_depth=10)
    assert [(e.input, e.output, e.quantity, e.unit) for e in scope.edges] == CHAIN_EDGES


async def test_scope_edges_of_a_diamond_and_of_several_sources(recall_graph):
    # D -> C -> A -> ROOT and D -> B -> ROOT; ROOT -> Z -> Y. From D at depth 10: every edge of the diamond and
    # below; U is unrelated. Edges are in the input's unit: ROOT is in EA.
    scope = await recall_scope(recall_graph, ["D"], max_depth=10)
    assert [(e.input, e.output, e.unit) for e in scope.edges] == [
        ("C", "A", "KGM"),
        ("D", "B", "KGM"),
        ("D", "C", "KGM"),
        ("A", "ROOT", "KGM"),
        ("B", "ROOT", "KGM"),
        ("Z", "Y", "KGM"),
        ("ROOT", "Z", "EA"),
    ]
    # Two sources, one below the other: each edge once. From A and B, C and D are not affected: no C -> A.
    both = await recall_scope(recall_graph, ["A", "B"], max_depth=1)
    assert [(e.input, e.output) for e in both.edges] == [("A", "ROOT"), ("B", "ROOT")]
