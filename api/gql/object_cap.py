"""The cap on objects one request's answer may hold, counted while it is built (GRAPHQL_MAX_OBJECTS).

The static cost (api/gql/cost.py) charges what a query asks for; what the data holds can still be more (a hub
enterprise's thousand shipments, each lot's thousand others). Every navigation list counts its items against the
request's cap as it is resolved. Past the cap the answer is lost anyway, so every further list answers empty at
once (nothing more is loaded or built, and no error per field: raising in each of thousands of waiting fields, and
graphql-core cancelling their siblings, took longer than building the answer), and the request answers
`data: null` with one RESULT_TOO_LARGE error naming where the answer outgrew the cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import DomainError


class ResultTooLarge(DomainError):
    code = "RESULT_TOO_LARGE"

    def __init__(self, cap: int, path: list[str | int]):
        where = ".".join(str(key) for key in path)
        super().__init__(
            f"the answer would hold more than {cap} objects (GRAPHQL_MAX_OBJECTS), reached at {where}; "
            "ask for smaller pages (first) or fewer nested lists"
        )
        self.path = path


class ObjectCap:
    """One request's count of the objects its lists returned."""

    def __init__(self, cap: int):
        self.cap = cap
        self.count = 0
        self.exceeded: ResultTooLarge | None = None

    def admits(self, items: int, where: Any) -> bool:
        """Count a list of `items` (at strawberry's info.path `where`); False once the cap is passed."""
        if self.exceeded is not None:
            return False
        self.count += items
        if self.count > self.cap:
            self.exceeded = ResultTooLarge(self.cap, where.as_list())
            return False
        return True


class ObjectCapGuard(SchemaExtension):
    """Gives each request its cap; a request that passed it answers only the cap's error, not the data built."""

    def __init__(self, max_objects: int):
        self.max_objects = max_objects

    def on_execute(self) -> Iterator[None]:
        cap = ObjectCap(self.max_objects)
        self.execution_context.context.objects = cap
        yield
        result = self.execution_context.result
        if cap.exceeded is not None and result is not None:
            result.data = None
            result.errors = [GraphQLError(str(cap.exceeded), path=cap.exceeded.path, original_error=cap.exceeded)]
