"""The FastAPI application: the explorer page at /explore (where / leads), GraphQL (with GraphiQL) at /graphql,
CSV and health endpoints, the HTTP API's docs at /docs and /redoc (every page's scripts served by the app itself:
api/web/), Prometheus metrics at /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from functools import partial
from urllib.parse import urlsplit

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.routing import APIWebSocketRoute

from api import metrics
from api.audit_http import AuditRoutes
from api.auth import Authenticate, Verifier, authorize, check_routes
from api.body_limit import BodyLimit
from api.epcis.routes import router as epcis_router
from api.gql.context import Context
from api.gql.schema import build_schema
from api.http_errors import install_error_handlers
from api.import_jobs import router as import_jobs_router
from api.local_issuer import LocalIssuer
from api.logs import AccessLog, configure_logging
from api.monitoring_public import router as monitoring_public_router
from api.public import router as public_router
from api.reports import router as reports_router
from api.rest import router as rest_router
from api.security_headers import SecurityHeaders
from api.web import assets, docs, explorer
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
        dependencies=[Depends(authorize)],  # every route's rule of api/access.py ROUTES
    )
    if graph is not None:  # usable even where the lifespan does not run (ASGI test transports)
        app.state.graph = graph

    async def context(request: Request) -> Context:
        state = request.state
        return Context(request.app.state.graph, state.principal, state.auth_error)

    # path, not prefix: the route then carries its whole template, "/graphql" (api/metrics.py labels by it).
    graphql = GraphQLRouter(
        build_schema(settings),
        path="/graphql",
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    # No subscriptions in the schema: the websocket route would only be a way around the bearer token.
    graphql.routes[:] = [r for r in graphql.routes if not isinstance(r, APIWebSocketRoute)]
    app.include_router(graphql)
    app.include_router(rest_router)
    app.include_router(import_jobs_router)
    app.include_router(public_router)
    app.include_router(monitoring_public_router)
    app.include_router(reports_router)  # issue 17's documents: enterprise reports, impact reports, dossiers
    app.include_router(epcis_router)
    app.include_router(docs.router)
    app.include_router(explorer.router)
    assets.mount(app)
    if settings.auth_local_issuer:  # its discovery document and keys, where its URL says (/auth/local)
        issuer = LocalIssuer.of(settings)
        app.mount(urlsplit(issuer.url).path or "/", issuer.asgi(), name="local-issuer")
    if not settings.accepted_issuers():
        log.warning("auth.no_issuer", hint="no token is accepted: set AUTH_ISSUERS, or AUTH_LOCAL_ISSUER=1 to develop")

    @app.get("/", include_in_schema=False)
    async def root(request: Request) -> RedirectResponse:
        return RedirectResponse(f"{request.scope.get('root_path', '')}/explore")

    install_error_handlers(app)
    # Innermost: the caller is known (request.state.principal) to everything that handles the request.
    app.add_middleware(Authenticate, verifier=Verifier(settings))
    # Added before the access log, so it runs inside it: a refused body is logged like any answer.
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        by_path=settings.max_body_bytes_by_path,
        timeout_s=settings.api_body_timeout_s,
    )
    # Outside the body limit and the routes, inside the access log (whose request id it records): the audit trail
    # of the HTTP routes; it must also stay outside the token check, so that refused requests are recorded.
    app.add_middleware(AuditRoutes)
    app.add_middleware(AccessLog)  # one line per request, with its request id (bound to every line it makes)

    if settings.cors_origins:  # none: no CORS headers, only same-origin pages read the answers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            expose_headers=["X-Request-Id", "X-Next-Cursor", "X-Has-More", "Location", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)  # outside CORS and the access log: every answer they make carries them
    metrics.install(app)  # last: its middleware is the outermost, so it counts every answer
    check_routes(app)  # a route without an access rule: refuse to start
    return app


app = create_app  # uvicorn --factory api.main:app
