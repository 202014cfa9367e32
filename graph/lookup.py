"""Nodes by id and one-hop navigation, always for many parents at once (the DataLoaders' backends)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graph.clock import now_ms
from graph.db import Graph
from graph.nodes import BatchNode, EnterpriseNode, LabNode, ProductNode, ShipmentNode, TestReportNode

T = TypeVar("T")


async def _by_id(
    graph: Graph, name: str, key: str, ids: Sequence[str], make: Callable[[dict], T], **params: Any
) -> list[T | None]:
    """One query for all ids; the answer lines up with `ids`, None where an id is unknown."""
    found = {r[key]["id"]: make(r[key]) for r in await graph.read(name, ids=list(set(ids)), **params)}
    return [found.get(i) for i in ids]


async def batches(graph: Graph, ids: Sequence[str]) -> list[BatchNode | None]:
    return await _by_id(graph, "lookup/batches", "batch", ids, BatchNode.of)


async def enterprises(graph: Graph, ids: Sequence[str]) -> list[EnterpriseNode | None]:
    return await _by_id(graph, "lookup/enterprises", "enterprise", ids, EnterpriseNode.of, now=now_ms())


async def products(graph: Graph, ids: Sequence[str]) -> list[ProductNode | None]:
    return await _by_id(graph, "lookup/products", "product", ids, ProductNode.of)


async def labs(graph: Graph, ids: Sequence[str]) -> list[LabNode | None]:
    return await _by_id(graph, "lookup/labs", "lab", ids, LabNode.of)


async def shipments(graph: Graph, ids: Sequence[str]) -> list[ShipmentNode | None]:
    return await _by_id(graph, "lookup/shipments", "shipment", ids, ShipmentNode.of)


async def related(graph: Graph, name: str, ids: Sequence[str], limit: int, make: Callable[[Any], T]) -> list[list[T]]:
    """Children of each parent from a nav/ statement (rows of `parent` + columns), in the statement's order."""
    grouped: dict[str, list[T]] = defaultdict(list)
    for record in await graph.read(f"nav/{name}", ids=list(set(ids)), limit=limit):
        grouped[record["parent"]].append(make(record))
    return [grouped.get(i, []) for i in ids]


NAV_MAKERS: dict[str, Callable[[Any], Any]] = {
    "batch_inputs": lambda r: (r["batch"], r["quantity"]),
    "batch_outputs": lambda r: (r["batch"], r["quantity"]),
    "batch_shipments": lambda r: ShipmentNode.of(r["shipment"]),
    "batch_test_reports": lambda r: TestReportNode.of(r["report"]),
    "enterprise_batches": lambda r: r["batch"],
    "enterprise_shipments_out": lambda r: ShipmentNode.of(r["shipment"]),
    "enterprise_shipments_in": lambda r: ShipmentNode.of(r["shipment"]),
    "enterprise_people": lambda r: (r["person"], r["name"], r["role"], r["share"]),
    "enterprise_owners": lambda r: (r["holder"], r["name"], r["kind"], r["share"]),
    "enterprise_holdings": lambda r: (r["enterprise"], r["share"]),
    "product_batches": lambda r: r["batch"],
    "lab_reports": lambda r: TestReportNode.of(r["report"]),
    "enterprise_ties": lambda r: (r["enterprise"], r["kind"], r["weight"], r["via"]),
}
