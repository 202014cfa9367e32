"""The FastAPI application: GraphQL (with GraphiQL) at /graphql, CSV and health endpoints, the HTTP API's docs at
/docs and /redoc (every page's scripts served by the app itself: api/web/), Prometheus metrics at /metrics."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from functools import partial

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from api import metrics
from api.body_limit import BodyLimit
from api.gql.context import ACTOR_HEADER, Context
from api.gql.schema import build_schema
from api.http_errors import install_error_handlers
from api.import_jobs import router as import_jobs_router
from api.logs import configure_logging
from api.rest import router as rest_router
from api.web import assets, docs
from api.web.graphiql import GraphQLRouter
from graph import credit, migrations
from graph.db import Graph, open_driver
from graph.lease import Lease, holder_id, run_periodically
from graph.settings import Settings, get_settings

log = structlog.get_logger("api")


CREDIT_SWEEP_LEASE = "credit-sweep"


async def sweep_credit(graph: Graph) -> None:
    """Listings start and expire with time, not with a request: re-evaluate due grades (one round)."""
    changes = await credit.sweep(graph)
    if changes:
        log.info("credit.sweep", changes=len(changes), seqs=[c.seq for c in changes][:50])


def credit_sweeper(graph: Graph, interval_s: float) -> Coroutine[None, None, None]:
    """The periodic sweep, on one replica at a time (the lease "credit-sweep"): a replica that dies hands it over
    once its lease expires, three intervals (at least 30 s) after its last renewal."""
    lease = Lease(graph, CREDIT_SWEEP_LEASE, holder_id(), ttl_s=max(3 * interval_s, 30.0))
    return run_periodically(lease, interval_s, partial(sweep_credit, graph))


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> FastAPI:
    """The app. Pass `graph` to share an open driver (tests); otherwise the lifespan opens and closes one."""
    settings = settings or (graph.settings if graph else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(
            settings.log_level, settings.log_json, settings.log_repeat_burst, settings.log_repeat_interval_s
        )
        own = graph is None
        app.state.graph = graph or Graph(open_driver(settings), settings)
        if own:
            try:
                ran = await migrations.upgrade(app.state.graph)
            except migrations.SchemaTooNew as error:
                log.error("schema.too_new", error=str(error))
                await app.state.graph.close()
                raise
            log.info("schema.upgraded", migrations=[m.version for m in ran], uri=settings.neo4j_uri)
        sweeper = None
        if settings.credit_sweep_interval_s > 0:
            sweeper = asyncio.create_task(credit_sweeper(app.state.graph, settings.credit_sweep_interval_s))
        yield
        if sweeper:
            sweeper.cancel()
            with suppress(asyncio.CancelledError):
                await sweeper
        if own:
            await app.state.graph.close()

    app = FastAPI(
        title="tracegraph",
        summary="Traceability and credit graph for import/export quality-safety regulators",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api/web/docs.py, without CDNs
        redoc_url=None,
    )
    if graph is not None:  # usable even where the lifespan does not run (ASGI test transports)
        app.state.graph = graph

    async def context(request: Request) -> Context:
        return Context(request.app.state.graph, request.headers.get(ACTOR_HEADER))

    # path, not prefix: the route then carries its whole template, "/graphql" (api/metrics.py labels by it).
    app.include_router(
        GraphQLRouter(build_schema(settings), path="/graphql", context_getter=context, graphql_ide="graphiql")
    )
    app.include_router(rest_router)
    app.include_router(import_jobs_router)
    app.include_router(docs.router)
    assets.mount(app)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/graphql")

    install_error_handlers(app)
    # Added before the access log, so it runs inside it: a refused body is logged like any answer.
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        by_path=settings.max_body_bytes_by_path,
        timeout_s=settings.api_body_timeout_s,
    )

    @app.middleware("http")
    async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500  # when the app raises, the outermost handler (api/http_errors.py) answers 500
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            structlog.contextvars.clear_contextvars()
            log.info(
                "http.request",
                method=request.method,
                path=request.url.path,
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                request_id=request_id,
            )
        response.headers["x-request-id"] = request_id
        return response

    metrics.install(app)  # last: its middleware is the outermost, so it counts every answer
    return app


app = create_app  # uvicorn --factory api.main:app
