"""The cap on objects one request's answer may hold, counted while it is built (GRAPHQL_MAX_OBJECTS).

The static cost (api/gql/cost.py) charges what a query asks for; what the data holds can still be more (a hub
enterprise's thousand shipments, each lot's thousand others). Every navigation list counts its items against the
request's cap as it is resolved; past the cap each further list is refused before it queries anything, and the
request answers `data: null` with one RESULT_TOO_LARGE error instead of a huge, partial answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import DomainError


class ResultTooLarge(DomainError):
    code = "RESULT_TOO_LARGE"

    def __init__(self, cap: int, where: str):
        super().__init__(
            f"the answer would hold more than {cap} objects (GRAPHQL_MAX_OBJECTS), reached at {where}; "
            "ask for smaller pages (first) or fewer nested lists"
        )


class ObjectCap:
    """One request's count of objects returned by its lists."""

    def __init__(self, cap: int):
        self.cap = cap
        self.count = 0
        self.exceeded: ResultTooLarge | None = None

    def check(self, where: Any) -> None:
        """Refuse at once once the cap is passed: no further list is loaded."""
        if self.exceeded is not None:
            raise ResultTooLarge(self.cap, _path(where))

    def take(self, items: int, where: Any) -> None:
        self.count += items
        if self.count > self.cap:
            self.exceeded = self.exceeded or ResultTooLarge(self.cap, _path(where))
            raise self.exceeded


def _path(where: Any) -> str:
    """A resolver's path (strawberry's info.path) as `enterprise.shipmentsOut.3.batch`."""
    keys = []
    while where is not None:
        keys.append(str(where.key))
        where = where.prev
    return ".".join(reversed(keys))


class ObjectCapGuard(SchemaExtension):
    """Gives each request its cap, and a request that passed it answers only the cap's error, not the partial
    data built before it."""

    def __init__(self, max_objects: int):
        self.max_objects = max_objects

    def on_execute(self) -> Iterator[None]:
        cap = ObjectCap(self.max_objects)
        self.execution_context.context.objects = cap
        yield
        result = self.execution_context.result
        if cap.exceeded is not None and result is not None:
            first = next((e for e in result.errors or () if isinstance(e.original_error, ResultTooLarge)), None)
            result.data = None
            result.errors = [first or GraphQLError(str(cap.exceeded), original_error=cap.exceeded)]
