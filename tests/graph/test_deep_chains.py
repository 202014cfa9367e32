"""Deep co-mingling silo chains (seed/shapes.py, 6 chains 50 tiers deep): traced back at maxDepth 50 in full, a
page at a time over GraphQL, refused only beyond TRACE_MAX_LOTS; and a trace or recall at a small maxDepth does not
walk all 50 hops first and filter after (PROFILE's db hits of the traversal grow with maxDepth; issue 15 item 3).
The shape is loaded once for the module; the answers are computed here from its records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.main import create_app
from graph.cypher import cypher
from graph.db import Graph
from graph.errors import BadInput
from graph.recall_scope import recall_scope
from graph.trace import trace_back
from seed.shapes import deep_chain_leaf, deep_chain_lot, deep_chains
from tests.conftest import asgi_client, gql, load

CHAINS, TIERS = 6, 50
RECORDS = list(deep_chains(CHAINS, TIERS, prefix="DEEP"))
LEAF = deep_chain_leaf(CHAINS, TIERS, "DEEP")
TOP = deep_chain_lot(0, 0, "DEEP")


def shortest_depths(start: str, step: dict[str, list[str]], max_depth: int) -> list[tuple[int, str]]:
    depth, frontier = {start: 0}, [start]
    for level in range(1, max_depth + 1):
        frontier = list(dict.fromkeys(n for b in frontier for n in step[b] if n not in depth))
        depth.update((n, level) for n in frontier)
    return sorted((d, b) for b, d in depth.items() if b != start)


INPUTS: dict[str, list[str]] = defaultdict(list)
OUTPUTS: dict[str, list[str]] = defaultdict(list)
for r in RECORDS:
    for i in r.get("inputs", []) if r["type"] == "batch" else []:
        INPUTS[r["id"]].append(i["batch"])
        OUTPUTS[i["batch"]].append(r["id"])


@pytest.fixture(scope="module")
async def deep(graph: Graph) -> Graph:
    # No wipe: every id of the shape carries its own prefix, and the answers here are of those ids alone.
    await load(Graph(graph.driver, graph.settings.model_copy(update={"import_batch_size": 5_000})), *RECORDS)
    return graph


@pytest.fixture(scope="module")
async def deep_client(deep: Graph) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(graph=deep)) as c:
        yield c


async def test_the_leaf_is_traced_to_the_top_at_max_depth_50(deep):
    trace = await trace_back(deep, LEAF, 50)
    expected = shortest_depths(LEAF, INPUTS, 50)
    assert [(t.depth, t.batch.id) for t in trace.upstream] == expected
    assert len(expected) > CHAINS * (TIERS - 3)  # nearly every chain's lot of every tier above: the silos co-mingled
    assert expected[-1][0] == TIERS - 1


UPSTREAM = """
query ($id: ID!, $after: String) {
  traceBack(batchId: $id, maxDepth: 50) { upstreamPage(first: 40, after: $after) {
    items { depth batch { id } } endCursor hasNextPage } }
}"""


async def test_graphql_pages_through_the_upstream_once(deep_client):
    walked: list[tuple[int, str]] = []
    after, more = None, True
    while more:
        answer = await gql(deep_client, UPSTREAM, id=LEAF, after=after)
        page = answer["data"]["traceBack"]["upstreamPage"]
        walked += [(x["depth"], x["batch"]["id"]) for x in page["items"]]
        after, more = page["endCursor"], page["hasNextPage"]
    assert walked == shortest_depths(LEAF, INPUTS, 50)


async def test_a_runaway_trace_is_refused_naming_the_guard(deep):
    guarded = Graph(deep.driver, deep.settings.model_copy(update={"trace_max_lots": 100}))
    with pytest.raises(BadInput, match="more than 100 batches or shipments \\(TRACE_MAX_LOTS\\)"):
        await trace_back(guarded, LEAF, 50)
    real = await trace_back(guarded, LEAF, 16)  # under the guard: answered
    assert [(t.depth, t.batch.id) for t in real.upstream] == shortest_depths(LEAF, INPUTS, 16)


async def test_the_top_lot_recalls_every_lot_below_at_max_depth_50(deep):
    scope = await recall_scope(deep, [TOP], 50)
    assert [(t.depth, t.batch.id) for t in scope.affected][1:] == shortest_depths(TOP, OUTPUTS, 50)


def _expand_hits(plan: dict[str, Any]) -> int:
    """db hits of the plan's expand operators: the walk itself, whatever the answer's projection costs."""
    own = plan.get("dbHits", 0) if "Expand" in plan.get("operatorType", "") else 0
    return own + sum(_expand_hits(child) for child in plan.get("children", []))


async def _profiled_hits(graph: Graph, statement: str, **params: Any) -> int:
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run("PROFILE " + cypher(statement), params)
        summary = await result.consume()
    assert summary.profile is not None
    return _expand_hits(summary.profile)


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("trace/trace_back", {"id": LEAF, "limit": 1_000_000}),
        ("recall/recall_scope", {"ids": [TOP], "limit": 1_000_000}),
    ],
)
async def test_a_small_max_depth_walks_few_hops(deep, statement, params):
    """At maxDepth 3 the walk reaches 3 tiers of 49: were it to walk all 50 hops and filter after, its db hits
    would be those of maxDepth 50."""
    shallow = await _profiled_hits(deep, statement, maxDepth=3, **params)
    full = await _profiled_hits(deep, statement, maxDepth=50, **params)
    assert full > 0
    assert shallow * 4 < full, f"db hits of the walk: {shallow} at maxDepth 3, {full} at maxDepth 50"
