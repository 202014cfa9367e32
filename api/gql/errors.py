"""Every GraphQL error gets an extensions.code, and no internal detail leaks to the client.

Domain errors keep their message (it names the argument or id); driver time-outs and outages get codes
of their own, and so does a stored value the answer cannot carry; anything else is logged with a reference
and shown only as that reference.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import neo4j.exceptions
import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from graph.errors import BadInput, DomainError, InvalidStoredValue

log = structlog.get_logger("api.graphql")


_TOO_DEEP = re.compile(r"^'(?P<operation>.*)' exceeds maximum operation depth of (?P<depth>\d+)$", re.DOTALL)


def _depth_message(message: str) -> str:
    """Strawberry's depth limiter calls an unnamed operation 'anonymous', which reads as a user's name: say which
    operation, and which setting sets the limit."""
    if not (found := _TOO_DEEP.match(message)):
        return message
    name = found["operation"]
    which = "the query" if name == "anonymous" else f"operation {name!r}"
    return f"{which} is nested deeper than {found['depth']} levels (GRAPHQL_MAX_DEPTH); ask for fewer nested levels"


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions = dict(error.extensions or {})
    message = error.message
    if isinstance(original, DomainError):
        extensions["code"] = original.code
        if isinstance(original, BadInput):
            extensions["argument"] = original.argument
    elif isinstance(original, neo4j.exceptions.ClientError) and "TransactionTimedOut" in (original.code or ""):
        extensions["code"] = "TIMEOUT"
        message = "the query took longer than the server's time limit; narrow it (fewer sources, lower maxDepth)"
    elif isinstance(original, neo4j.exceptions.ServiceUnavailable | neo4j.exceptions.SessionExpired):
        extensions["code"] = "SERVICE_UNAVAILABLE"
        message = "the graph database is not reachable; try again shortly"
    elif isinstance(original, GraphQLError) and error.path is not None and " cannot represent " in original.message:
        # A value the server answers that its scalar cannot carry (Float cannot represent inf): a graph written
        # before imports refused such values. Not the request's fault, so not a validation error.
        log.warning("graphql.unanswerable_value", path=error.path, detail=original.message)
        extensions["code"] = InvalidStoredValue.code
        where = ".".join(str(p) for p in error.path)
        message = f"{where}: {original.message}, stored before such values were refused; {InvalidStoredValue.REIMPORT}"
    elif original is None or isinstance(original, GraphQLError):
        # The document or its variables were rejected before execution.
        request_error = "BAD_USER_INPUT" if message.startswith("Variable ") else "GRAPHQL_VALIDATION_FAILED"
        extensions.setdefault("code", request_error)
        message = _depth_message(message)
    else:
        reference = uuid.uuid4().hex[:12]
        log.error("graphql.internal_error", reference=reference, path=error.path, exc_info=original)
        extensions["code"] = "INTERNAL_SERVER_ERROR"
        message = f"internal error (reference {reference})"
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, ExecutionResult | GraphQLExecutionResult) and result.errors:
            result.errors = [classify(e) for e in result.errors]
