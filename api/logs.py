"""Structured logs: JSON lines when not on a terminal (operators ship them), readable lines on one; repeated
warnings and errors rate-limited (api/log_repeats.py) on every output, the app's and uvicorn's alike."""

import logging
import sys

import structlog
from structlog.typing import Processor

from api import log_repeats


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
    # Planner notifications (e.g. a property key no node has carried yet, such as liftedAtMs before the first
    # lifting) are expected on a young database; tests/test_cypher_files.py checks them on purpose instead.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    # After basicConfig and after uvicorn's own logging config: every handler that exists by now.
    log_repeats.install_on_handlers(repeat_burst, repeat_interval_s)
