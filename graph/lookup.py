"""Nodes by id and one-hop navigation, always for many parents at once (the DataLoaders' backends).

A navigation list is a nav/ statement and the shape of its sort key: each of its rows has the row's `key`, whose
ascending order is the list's, and a page of it is the rows after a key (graph/keyset.py), for every parent in one
query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graph.clock import now_ms
from graph.db import Graph
from graph.keyset import Key, Shape, decode_cursor, encode_cursor
from graph.nodes import (
    BatchNode,
    EnterpriseNode,
    LabNode,
    Owner,
    PersonRole,
    ProductNode,
    ShipmentNode,
    Stake,
    TestReportNode,
    Tie,
    Use,
)
from graph.read_model import grouped, read_by_id, reader

T = TypeVar("T")


async def batches(graph: Graph, ids: Sequence[str]) -> list[BatchNode | None]:
    return await read_by_id(graph, "lookup/batches", ids, reader(BatchNode, "batch"))


async def enterprises(graph: Graph, ids: Sequence[str]) -> list[EnterpriseNode | None]:
    return await read_by_id(graph, "lookup/enterprises", ids, reader(EnterpriseNode, "enterprise"), now=now_ms())


async def products(graph: Graph, ids: Sequence[str]) -> list[ProductNode | None]:
    return await read_by_id(graph, "lookup/products", ids, reader(ProductNode, "product"))


async def labs(graph: Graph, ids: Sequence[str]) -> list[LabNode | None]:
    return await read_by_id(graph, "lookup/labs", ids, reader(LabNode, "lab"))


async def shipments(graph: Graph, ids: Sequence[str]) -> list[ShipmentNode | None]:
    return await read_by_id(graph, "lookup/shipments", ids, reader(ShipmentNode, "shipment"))


@dataclass(frozen=True)
class NavList:
    make: Callable[[Any], Any]  # an item from a row
    key: Shape  # the parts of the row's `key`


@dataclass(frozen=True)
class NavPage(Generic[T]):
    items: list[T]
    end_cursor: str | None  # the cursor given when the page is empty
    has_next_page: bool


NAV: dict[str, NavList] = {
    "batch_inputs": NavList(reader(Use), (str,)),
    "batch_outputs": NavList(reader(Use), (str,)),
    "batch_shipments": NavList(reader(ShipmentNode, "shipment"), (int, str)),
    "batch_test_reports": NavList(reader(TestReportNode, "report"), (int, str)),
    "enterprise_batches": NavList(lambda r: r["batch"], (str,)),
    "enterprise_shipments_out": NavList(reader(ShipmentNode, "shipment"), (int, str)),
    "enterprise_shipments_in": NavList(reader(ShipmentNode, "shipment"), (int, str)),
    "enterprise_people": NavList(reader(PersonRole), (str, str)),
    "enterprise_owners": NavList(reader(Owner), (float, str, str)),
    "enterprise_holdings": NavList(reader(Stake), (float, str)),
    "product_batches": NavList(lambda r: r["batch"], (str,)),
    "lab_reports": NavList(reader(TestReportNode, "report"), (int, str)),
    "enterprise_ties": NavList(reader(Tie), (float, str)),
}


def after_key(name: str, cursor: str | None, argument: str = "after") -> Key | None:
    """The key a cursor of the list `name` stands for; BadInput naming `argument` when it is not one."""
    return decode_cursor(name, cursor, NAV[name].key, argument)


async def related(
    graph: Graph, name: str, ids: Sequence[str], limit: int, after: Key | None = None
) -> list[NavPage[Any]]:
    """A page of the children of each parent from the nav/ statement `name`: up to `limit` after the key `after`
    (None: from the start), in the statement's order."""
    make = NAV[name].make
    rows = await graph.read(f"nav/{name}", ids=list(set(ids)), limit=limit + 1, after=list(after) if after else None)
    given = encode_cursor(name, after) if after else None
    pages = []
    for found in grouped(rows, ids, lambda r: (make(r), r["key"])):
        items = found[:limit]
        end = encode_cursor(name, items[-1][1]) if items else given
        pages.append(NavPage([item for item, _ in items], end, len(found) > limit))
    return pages
