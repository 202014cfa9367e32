"""Prometheus metrics at GET /metrics (prometheus-client, text format): HTTP requests and their latency by route
template, GraphQL operations and their latency by operation name and outcome, import rows by record type and outcome,
Neo4j errors by kind. One process, prometheus-client's default registry (with its process and GC collectors).

Every label takes a bounded set of values, since each value is a series kept for the life of the process: routes are
templates (no route is "(none)"), methods are the standard ones, GraphQL operation names are the first
MAX_OPERATION_NAMES seen (names are chosen by clients), outcomes are this service's error codes."""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import neo4j.exceptions
from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from graph import imports
from graph.ingest.report import ImportReport

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_OPERATION_NAMES = 200
OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

HTTP_REQUESTS = Counter(
    "tracegraph_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "tracegraph_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge("tracegraph_http_requests_in_progress", "HTTP requests being answered now.")
GRAPHQL_OPERATIONS = Counter(
    "tracegraph_graphql_operations",
    "GraphQL operations, by operation name, type and outcome (ok, or the code of the first error).",
    ["operation", "type", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "tracegraph_graphql_operation_duration_seconds",
    "Time to parse, validate and execute a GraphQL operation, by operation name and type.",
    ["operation", "type"],
    buckets=LATENCY_BUCKETS,
)
IMPORTS = Counter("tracegraph_imports", "Imports finished, by result: written, rejected or dry_run.", ["result"])
IMPORT_ROWS = Counter(
    "tracegraph_import_rows",
    "Records of written imports, by record type and outcome: created, updated or unchanged.",
    ["type", "outcome"],
)
NEO4J_ERRORS = Counter(
    "tracegraph_neo4j_errors",
    "Neo4j driver exceptions that reached the API, by exception class and server status code (empty for the "
    "driver's own, such as ServiceUnavailable).",
    ["kind", "code"],
)


def install(app: FastAPI) -> None:
    """GET /metrics, the HTTP middleware (outermost, so it times and counts every answer, refusals included), Neo4j
    errors seen by the REST error handlers, and import rows. Call after the error handlers are installed."""

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for error_type, handler in list(app.exception_handlers.items()):
        if isinstance(error_type, type) and (error_type is Exception or issubclass(error_type, NEO4J_ERROR_TYPES)):
            app.exception_handlers[error_type] = counting_neo4j_errors(handler)
    app.add_middleware(HTTPMetrics)
    if record_import not in imports.report_observers:
        imports.report_observers.append(record_import)


# --- HTTP ------------------------------------------------------------------------------------------------------


class HTTPMetrics:
    """Counts and times each HTTP request by method, route template and status (plain ASGI, so a streamed answer is
    timed to its last byte)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = {key: scope[key] for key in ("type", "method", "path", "root_path") if key in scope}  # as it came
        status = 500  # when the app raises, the outermost handler (api/http_errors.py) answers 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        HTTP_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            HTTP_IN_PROGRESS.dec()
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = route_template(scope, request)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(time.perf_counter() - started)


def route_template(scope: Scope, request: Scope) -> str:
    """The path template of the route that answered ("/recalls/{recall_id}.csv", "/static/web/{path}"), or "(none)"
    for an answer given before routing (an unknown path, an oversized body refused)."""
    route = scope.get("route")  # the endpoint that answered, set by the router
    if route is None:  # a mount (static files): the router does not record those
        routes = scope["app"].router.routes if "app" in scope else []
        route = next((r for r in routes if isinstance(r, Mount) and r.matches(request)[0] is Match.FULL), None)
    template = getattr(route, "path_format", "")
    return template if template.startswith("/") else "(none)"


# --- Neo4j errors ------------------------------------------------------------------------------------------------

NEO4J_ERROR_TYPES = (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError)


def count_neo4j_error(error: BaseException | None) -> None:
    if isinstance(error, NEO4J_ERROR_TYPES):
        code = error.code if isinstance(error, neo4j.exceptions.Neo4jError) else None
        NEO4J_ERRORS.labels(type(error).__name__, code or "").inc()


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def counting_neo4j_errors(handler: Handler) -> Handler:
    """`handler` (an app's exception handler), counting the Neo4j errors it is given."""

    async def handle(request: Request, error: Any) -> Response:
        count_neo4j_error(error)
        response = handler(request, error)
        return await response if inspect.isawaitable(response) else response

    return handle


# --- GraphQL -----------------------------------------------------------------------------------------------------

operation_names: set[str] = set()  # those labelled by name so far


def operation_label(name: str | None) -> str:
    if name is None:
        return "(anonymous)"
    if name in operation_names:
        return name
    if len(operation_names) < MAX_OPERATION_NAMES and OPERATION_NAME.fullmatch(name):
        operation_names.add(name)
        return name
    return "(other)"


class GraphQLMetrics(SchemaExtension):
    """Counts and times each operation. First in the schema's extension list, so it sees the errors both as raised
    (on_execute: the Neo4j exceptions) and as answered (on_operation: the codes api/gql/errors.py gives them)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        outcome = "INTERNAL_SERVER_ERROR"  # the operation raised past every handler
        try:
            yield
            result = self.execution_context.result
            errors = getattr(result, "errors", None)
            outcome = (errors[0].extensions or {}).get("code", "ERROR") if errors else "ok"
        finally:
            context = self.execution_context
            operation = operation_label(context.operation_name)
            try:
                kind = context.operation_type.value
            except RuntimeError:  # not parsed, or no such operation in the document
                kind = "unknown"
            GRAPHQL_OPERATIONS.labels(operation, kind, str(outcome)).inc()
            GRAPHQL_LATENCY.labels(operation, kind).observe(time.perf_counter() - started)

    def on_execute(self) -> Iterator[None]:
        yield
        for error in getattr(self.execution_context.result, "errors", None) or ():
            count_neo4j_error(error.original_error)


# --- imports -----------------------------------------------------------------------------------------------------


def record_import(report: ImportReport) -> None:
    if report.dry_run:
        IMPORTS.labels("dry_run").inc()
    elif not report.ok:
        IMPORTS.labels("rejected").inc()
    else:
        IMPORTS.labels("written").inc()
        for record_type, counts in report.by_type.items():
            for outcome in ("created", "updated", "unchanged"):
                if n := getattr(counts, outcome):
                    IMPORT_ROWS.labels(record_type, outcome).inc(n)
