"""A recall scope's affected lots a page at a time, read from the graph (GraphQL `affectedBatchesPage`). The walk is
the whole scope's (cypher/recall/affected_page.cypher), but only the page's lots are projected, and without their
shipments and uses: a super-spreader's 50 000 lots are paged without reading and building all of them for each
page. The cursor and the order are those of the whole answer's list (graph/answer_pages.py), so a page is the very
slice of the full answer.

Consignees are paged from the whole scope (graph/answer_pages.py consignees_page): a page of them needs the lots
they received, and the first consignees of a super-spreader (seed/shapes.py) hold most of its lots: the same
statement for only a page's consignees read 47 385 of 50 000 lots for the first 100 and ran out of transaction
memory (bench/RESULTS.md)."""

from __future__ import annotations

from graph.answer_pages import AFFECTED
from graph.db import Graph
from graph.errors import check_range
from graph.keyset import decode_cursor, encode_cursor
from graph.lookup import NavPage
from graph.nodes import TracedBatch
from graph.read_model import MAX_PAGE
from graph.recall_scope import check_reached
from graph.trace import batch_of


async def affected_page(
    graph: Graph, wanted: list[str], max_depth: int, first: int, after: str | None
) -> NavPage[TracedBatch]:
    """Up to `first` affected lots after the cursor, by depth then batch id, for the checked sources `wanted`
    (recall_scope.asked_sources)."""
    check_range("first", first, 1, MAX_PAGE)
    start = decode_cursor(AFFECTED.list_name, after, AFFECTED.shape)
    after_depth, after_id = start if start is not None else (None, None)
    limit = graph.settings.recall_max_lots
    (row,) = await graph.read(
        "recall/affected_page",
        ids=wanted,
        maxDepth=max_depth,
        limit=limit + 1,
        afterDepth=after_depth,
        afterId=after_id,
        first=first,
    )
    check_reached(row["reached"], row["sourceIds"], wanted, limit)
    lots = [TracedBatch(batch=batch_of(r["batch"]), depth=r["depth"]) for r in row["lots"]]
    shown = lots[:first]
    end = encode_cursor(AFFECTED.list_name, (shown[-1].depth, shown[-1].batch.id)) if shown else after
    return NavPage(shown, end, len(lots) > first)
