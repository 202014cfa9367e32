"""Per-request context: the graph handle and the request's DataLoaders (one batched query per kind)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import partial
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from api.gql.object_cap import ObjectCap
from graph import lookup
from graph.db import Graph
from graph.errors import DomainError, Forbidden, Unauthenticated, optional, required
from graph.identity import Principal
from graph.keyset import Key

K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose answer for a key stays good for every field waiting on it.

    graphql-core cancels the rest of a list when one item fails (a bad argument, a timeout); an awaiter cancelled
    on the loader's own cached future would cancel that future for every other field of the request that waits
    on the same key, and the CancelledError would escape as a 500. Each awaiter gets a shield of its own."""

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class Loaders:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.batch = SharedLoader(partial(lookup.batches, graph))
        self.enterprise = SharedLoader(partial(lookup.enterprises, graph))
        self.product = SharedLoader(partial(lookup.products, graph))
        self.lab = SharedLoader(partial(lookup.labs, graph))
        self._related: dict[tuple[str, int, Key | None], DataLoader] = {}
        self._keyed: dict[str, DataLoader] = {}

    def related(self, name: str, limit: int, after: Key | None = None) -> DataLoader[str, lookup.NavPage[Any]]:
        """A loader for one nav/ statement and page (size, and the key it starts after): all parents of a level in
        one query."""
        key = (name, limit, after)
        if key not in self._related:
            self._related[key] = SharedLoader(partial(lookup.related, self.graph, name, limit=limit, after=after))
        return self._related[key]

    def forget_enterprise(self, enterprise_id: str) -> None:
        """Drop a cached enterprise (its grade just changed); strawberry's clear() raises for an uncached key."""
        with suppress(KeyError):
            self.enterprise.clear(enterprise_id)

    def keyed(self, name: str, load: Callable[[list[str]], Awaitable[list[Any]]]) -> DataLoader[str, Any]:
        """A loader per request for any batched backend (`load(keys)` answers in key order), by name."""
        if name not in self._keyed:
            self._keyed[name] = SharedLoader(load)
        return self._keyed[name]


class Context(BaseContext):
    def __init__(self, graph: Graph, principal: Principal | None, auth_error: DomainError | None = None):
        super().__init__()
        self.graph = graph
        self.loaders = Loaders(graph)
        # What this request's lists returned; the schema's ObjectCapGuard sets the cap it was built with.
        self.objects = ObjectCap(graph.settings.graphql_max_objects)
        # The verified caller (api/auth.py); without one the router answers 401 before any operation runs.
        self.principal = principal
        self.auth_error = auth_error

    @property
    def actor(self) -> str:
        """Who acts: the token's subject, kept with every decision (decidedBy, openedBy, closedBy, history)."""
        if self.principal is None:
            raise Unauthenticated("no verified caller")
        return self.principal.subject

    def signed_by(self, by: str | None, may_omit: bool = False) -> str:
        """Who signs a decision: the caller. The operations' `by` argument stays, but must name the caller
        (FORBIDDEN otherwise); where it `may_omit`, a blank or missing `by` is the caller too."""
        subject = self.actor
        named = optional("by", by) if may_omit else required("by", by)
        if named is not None and named != subject:
            raise Forbidden(f"by: {named!r} is not the caller; a decision is signed by its caller, {subject!r}")
        return subject


Info = StrawberryInfo[Context, None]
