"""The cap on objects one request's answer may hold, counted while it is built (GRAPHQL_MAX_OBJECTS).

The static cost (api/gql/cost.py) charges what a query asks for; what the data holds can still be more (a hub
enterprise's thousand shipments, each lot's thousand others). Every navigation list counts its items against the
request's cap as it is resolved. The moment the cap is passed the whole execution is cancelled (no field in flight
goes on, none is started) and the request answers `data: null` with one RESULT_TOO_LARGE error naming where the
answer outgrew the cap. On data set S, letting the fields already admitted finish instead, each with an empty list,
took longer after the cap than before it (40 s against 38 s); cancelled, the request ends at once.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.gql.leaves import PlainLeaves
from graph.errors import DomainError

# Cancelling an execution drops the coroutines graphql-core had made for fields it had not started yet; Python then
# warns that they were never awaited. That is the point of cancelling, not a fault: silence exactly those (the
# plain leaves' merge, api/gql/leaves.py, is one of them).
DROPPED_COROUTINE = r"coroutine '(Executor|GraphQLCoreConverter|PlainLeaves)\.[\w.<>]+' was never awaited"
warnings.filterwarnings("ignore", DROPPED_COROUTINE, RuntimeWarning)


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

    def __init__(self, cap: int | None):
        self.cap = cap  # None: no cap
        self.count = 0
        self.exceeded: ResultTooLarge | None = None
        self.on_exceeded: Callable[[ResultTooLarge], None] | None = None  # set by CappedExecution

    def admits(self, items: int, where: Any) -> bool:
        """Count a list of `items` (at strawberry's info.path `where`); False once the cap is passed."""
        if self.exceeded is not None:
            return False
        self.count += items
        if self.cap is not None and self.count > self.cap:
            self.exceeded = ResultTooLarge(self.cap, where.as_list())
            if self.on_exceeded is not None:
                self.on_exceeded(self.exceeded)
            return False
        return True


class ObjectCapGuard(SchemaExtension):
    """Gives each query a cap of its own, before execution starts. A mutation's answer is not capped: refusing it
    after its write committed would tell the client it failed (its size is bounded by the static cost)."""

    def __init__(self, max_objects: int):
        self.max_objects = max_objects

    def on_execute(self) -> Iterator[None]:
        query = self.execution_context.operation_type is OperationType.QUERY
        self.execution_context.context.objects = ObjectCap(self.max_objects if query else None)
        yield


class CappedExecution(PlainLeaves):
    """Strawberry's executor (plain leaves read directly: api/gql/leaves.py), cancelled as a whole when the
    request's object cap is passed and answered as the cap's error alone. Cancelling the execution's task stops
    every field in flight at once (loaders' answers are shielded, api/gql/context.py); graphql-core's abort signal
    does the same but waits on it beside every field, which slowed every request."""

    def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        result = super().execute_operation(*args, **kwargs)
        cap = getattr(self.context_value, "objects", None)
        if not self.is_awaitable(result) or not isinstance(cap, ObjectCap):
            return result
        execution = asyncio.ensure_future(result)

        def cancel(_: ResultTooLarge) -> None:
            execution.cancel()

        cap.on_exceeded = cancel

        async def settled() -> Any:
            try:
                return await execution
            except asyncio.CancelledError:
                if cap.exceeded is None or not execution.cancelled():
                    raise  # cancelled from outside (the client left): stay cancelled
                reason = cap.exceeded
                return ExecutionResult(None, [GraphQLError(str(reason), path=reason.path, original_error=reason)])

        return settled()
