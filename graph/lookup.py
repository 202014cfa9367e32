"""Nodes by id and one-hop navigation, always for many parents at once (the DataLoaders' backends)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graph.clock import now_ms
from graph.db import Graph
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
from graph.read_model import read_by_id, read_grouped, reader

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


async def related(graph: Graph, name: str, ids: Sequence[str], limit: int, make: Callable[[Any], T]) -> list[list[T]]:
    """Children of each parent from a nav/ statement (rows of `parent` + columns), in the statement's order."""
    return await read_grouped(graph, f"nav/{name}", ids, make, limit=limit)


NAV_MAKERS: dict[str, Callable[[Any], Any]] = {
    "batch_inputs": reader(Use),
    "batch_outputs": reader(Use),
    "batch_shipments": reader(ShipmentNode, "shipment"),
    "batch_test_reports": reader(TestReportNode, "report"),
    "enterprise_batches": lambda r: r["batch"],
    "enterprise_shipments_out": reader(ShipmentNode, "shipment"),
    "enterprise_shipments_in": reader(ShipmentNode, "shipment"),
    "enterprise_people": reader(PersonRole),
    "enterprise_owners": reader(Owner),
    "enterprise_holdings": reader(Stake),
    "product_batches": lambda r: r["batch"],
    "lab_reports": reader(TestReportNode, "report"),
    "enterprise_ties": reader(Tie),
}
