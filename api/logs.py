"""Structured logs: JSON lines when not on a terminal (operators ship them), readable lines on one; repeated
warnings and errors rate-limited (api/log_repeats.py) on every output, the app's and uvicorn's alike."""

import logging
import sys
import time
import uuid

import structlog
from starlette.datastructures import URL
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import Processor

from api import log_repeats

log = structlog.get_logger("api")


def configure_logging(
    level: str = "INFO", json: bool | None = None, repeat_burst: int = 20, repeat_interval_s: float = 60.0
) -> None:
    """Idempotent: run by `tracegraph serve` before the server starts (its accept loop logs too) and again by the
    app's lifespan (which also runs without the CLI)."""
    as_json = not sys.stderr.isatty() if json is None else json
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        log_repeats.structlog_processor(repeat_burst, repeat_interval_s),
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    # The driver logs every retry at WARNING; keep it, but through the same level.
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    # After basicConfig and after uvicorn's own logging config: every handler that exists by now.
    log_repeats.install_on_handlers(repeat_burst, repeat_interval_s)


class AccessLog:
    """One `http.request` line per HTTP request (method, path, status, milliseconds, request id), the request id
    (X-Request-Id as sent, else a new one) bound to every log line made while the request is handled and returned
    as X-Request-Id. Pure ASGI: Starlette's BaseHTTPMiddleware ran the app in a task of its own and streamed the
    answer through a memory channel, which cost every request about a millisecond (bench/http_overhead.py)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = sent.decode("latin-1") if sent else uuid.uuid4().hex[:16]
        header = (b"x-request-id", request_id.encode("latin-1"))
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500  # when the app raises, the outermost handler (api/http_errors.py) answers 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            structlog.contextvars.clear_contextvars()
            log.info(
                "http.request",
                method=scope["method"],
                path=URL(scope=scope).path,
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                request_id=request_id,
            )
