"""Per-request context: the graph handle and the request's DataLoaders (one batched query per kind)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from graph import lookup
from graph.actor import actor as actor_named
from graph.db import Graph


class Loaders:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.batch = DataLoader(partial(lookup.batches, graph))
        self.enterprise = DataLoader(partial(lookup.enterprises, graph))
        self.product = DataLoader(partial(lookup.products, graph))
        self.lab = DataLoader(partial(lookup.labs, graph))
        self._related: dict[tuple[str, int], DataLoader] = {}
        self._keyed: dict[str, DataLoader] = {}

    def related(self, name: str, limit: int) -> DataLoader[str, list[Any]]:
        """A loader for one nav/ statement and page size: all parents of a level in one query."""
        key = (name, limit)
        if key not in self._related:
            make: Callable[[Any], Any] = lookup.NAV_MAKERS[name]
            self._related[key] = DataLoader(partial(lookup.related, self.graph, name, limit=limit, make=make))
        return self._related[key]

    def forget_enterprise(self, enterprise_id: str) -> None:
        """Drop a cached enterprise (its grade just changed); strawberry's clear() raises for an uncached key."""
        with suppress(KeyError):
            self.enterprise.clear(enterprise_id)

    def keyed(self, name: str, load: Callable[[list[str]], Awaitable[list[Any]]]) -> DataLoader[str, Any]:
        """A loader per request for any batched backend (`load(keys)` answers in key order), by name."""
        if name not in self._keyed:
            self._keyed[name] = DataLoader(load)
        return self._keyed[name]


ACTOR_HEADER = "X-Actor"


class Context(BaseContext):
    def __init__(self, graph: Graph, actor: str | None = None):
        super().__init__()
        self.graph = graph
        self.loaders = Loaders(graph)
        # Who acts, for the history of risk decisions: set by the deployment's authenticating proxy.
        self.actor = actor_named(actor)


Info = StrawberryInfo[Context, None]
