"""The REST endpoints' errors, one JSON shape {"error": {"code", "message"}} with the codes GraphQL uses
(api/gql/errors.py): a domain error keeps its message, Neo4j being down or slow gets 503 / 504 with a code of its
own, and anything else is logged with a reference and shown only as that reference — never a bare 500 page."""

from __future__ import annotations

import uuid

import neo4j.exceptions
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.security_headers import HEADER_MAP
from graph.errors import DomainError, NotFound

log = structlog.get_logger("api.http")

# How long a client should wait before retrying while the database is unreachable (seconds).
RETRY_AFTER_S = 5


STATUS_BY_CODE = {"SERVICE_UNAVAILABLE": 503, "UNAUTHENTICATED": 401, "FORBIDDEN": 403}
# The codes of the router's own refusals (no such route, method, file), so they read like every other error.
CODE_BY_STATUS = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, err: DomainError) -> JSONResponse:
        status = STATUS_BY_CODE.get(err.code, 404 if isinstance(err, NotFound) else 400)
        headers = {"WWW-Authenticate": 'Bearer realm="tracegraph"'} if status == 401 else None
        return error_response(status, err.code, str(err), headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_refusal(request: Request, err: StarletteHTTPException) -> JSONResponse:
        code = CODE_BY_STATUS.get(err.status_code, "BAD_REQUEST" if err.status_code < 500 else "INTERNAL_SERVER_ERROR")
        message = f"{request.method} {request.url.path[:200]}: {err.detail}"
        return error_response(err.status_code, code, message, dict(err.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, err: RequestValidationError) -> JSONResponse:
        messages = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in err.errors()]
        return error_response(400, "BAD_USER_INPUT", "; ".join(messages))

    @app.exception_handler(neo4j.exceptions.ServiceUnavailable)
    @app.exception_handler(neo4j.exceptions.SessionExpired)
    async def database_unavailable(_: Request, err: Exception) -> JSONResponse:
        log.warning("neo4j.unavailable", error=type(err).__name__)
        return error_response(
            503,
            "SERVICE_UNAVAILABLE",
            "the graph database is not reachable; try again shortly",
            {"Retry-After": str(RETRY_AFTER_S)},
        )

    # Starlette answers this one outside every middleware, so it also covers exceptions escaping them.
    @app.exception_handler(Exception)
    async def internal_error(request: Request, err: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        log.error("http.internal_error", reference=reference, path=request.url.path, exc_info=err)
        # Answered outside every middleware: the security headers are added here.
        return error_response(500, "INTERNAL_SERVER_ERROR", f"internal error (reference {reference})", HEADER_MAP)

    @app.exception_handler(neo4j.exceptions.ClientError)
    async def database_refused(request: Request, err: neo4j.exceptions.ClientError) -> JSONResponse:
        if "TransactionTimedOut" in (err.code or ""):
            message = "the query took longer than the server's time limit; narrow it (fewer batches, lower maxDepth)"
            return error_response(504, "TIMEOUT", message)
        return await internal_error(request, err)
