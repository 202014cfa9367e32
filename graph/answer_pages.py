"""Keyset pages through a traversal's answer: a trace's upstream and a recall scope's consignees (GraphQL
`upstreamPage`, `consigneesPage`), and the name and key shape of the scope's affected lots (`affectedBatchesPage`,
read from the graph a page at a time: graph/recall_pages.py). A real recall can reach tens of thousands of lots and
thousands of consignees, more than one answer should carry; a client walks them a page at a time. The cursor holds
the sort key of the last item shown (graph/keyset.py), so the next page is the items whose key comes after it: no
item repeated or skipped, and a lot that joins the scope between two pages is shown once, in its place."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from graph.errors import check_range
from graph.keyset import Key, Shape, decode_cursor, encode_cursor
from graph.lookup import NavPage
from graph.nodes import TracedBatch
from graph.read_model import MAX_PAGE
from graph.recall_scope import Consignee

T = TypeVar("T")


def page_of(
    items: Sequence[T], list_name: str, key: Callable[[T], Key], shape: Shape, first: int, after: str | None
) -> NavPage[T]:
    """Up to `first` items whose key comes after the cursor `after` (None: from the start), by key."""
    check_range("first", first, 1, MAX_PAGE)
    start = decode_cursor(list_name, after, shape)
    ordered = sorted(items, key=key)  # the answer's own order, compared as the cursor's keys are
    keys = [key(item) for item in ordered]
    at = 0 if start is None else bisect_right(keys, start)
    shown = ordered[at : at + first]
    end = encode_cursor(list_name, keys[at + len(shown) - 1]) if shown else after
    return NavPage(shown, end, at + len(shown) < len(ordered))


@dataclass(frozen=True)
class Listed:
    """A list of an answer as its cursors name it, and the shape of its sort key."""

    list_name: str
    shape: Shape


AFFECTED = Listed("recallScope.affectedBatches", (int, str))  # by depth, then batch id (graph/recall_pages.py)
CONSIGNEES = Listed("recallScope.consignees", (str,))  # by enterprise id
UPSTREAM = Listed("traceBack.upstream", (int, str))  # by depth, then batch id


def consignees_page(consignees: Sequence[Consignee], first: int, after: str | None) -> NavPage[Consignee]:
    """A page of a recall scope's consignees, by enterprise id."""
    return page_of(consignees, CONSIGNEES.list_name, lambda c: (c.enterprise_id,), CONSIGNEES.shape, first, after)


def upstream_page(upstream: Sequence[TracedBatch], first: int, after: str | None) -> NavPage[TracedBatch]:
    """A page of a trace's upstream lots, by depth then batch id."""
    return page_of(upstream, UPSTREAM.list_name, lambda t: (t.depth, t.batch.id), UPSTREAM.shape, first, after)
