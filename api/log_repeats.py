"""Repeated warnings and errors, rate-limited: a flood of one message (20 000 refused connections, a database that
is down for every request) must not fill the disk nor bury the first occurrences.

Messages are similar when they share logger, level and message template (the text before %-arguments are filled
in; for structlog, the event name). The first `burst` similar messages of an interval pass, the rest are counted;
when the next one passes, in a later interval, a line "suppressed N similar messages" comes before it. INFO and
below (the access log) are never limited."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, MutableMapping
from dataclasses import dataclass
from typing import Any

import structlog

SUMMARY_EVENT = "log.suppressed"
_LIMITED_METHODS = frozenset({"warning", "warn", "error", "exception", "critical", "fatal"})


@dataclass
class _Window:
    start: float
    passed: int = 1
    suppressed: int = 0


class RepeatLimiter:
    """Per key, `burst` admissions per `interval_s` window; counts what it refuses."""

    def __init__(
        self, burst: int, interval_s: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 1024
    ):
        self.burst = burst
        self.interval_s = interval_s
        self.clock = clock
        self.max_keys = max_keys  # messages with ever-new text would otherwise grow the table without bound
        self._windows: dict[Hashable, _Window] = {}
        self._lock = threading.Lock()  # the driver and the standard library may log from other threads

    def admit(self, key: Hashable) -> tuple[bool, int]:
        """Whether a message with this key passes now, and how many similar ones were suppressed in its previous
        window (to report before it; 0 when none were)."""
        now = self.clock()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window.start >= self.interval_s:
                suppressed = window.suppressed if window else 0
                if window is None and len(self._windows) >= self.max_keys:
                    self._evict(now)
                self._windows[key] = _Window(start=now)
                return True, suppressed
            if window.passed < self.burst:
                window.passed += 1
                return True, 0
            window.suppressed += 1
            return False, 0

    def _evict(self, now: float) -> None:
        expired = [k for k, w in self._windows.items() if now - w.start >= self.interval_s]
        for key in expired:
            del self._windows[key]
        if len(self._windows) >= self.max_keys:  # all in a live window: start over rather than grow
            self._windows.clear()


class RepeatFilter(logging.Filter):
    """On one handler: what passes through it, rate-limited; the summary line goes out through the same handler."""

    def __init__(self, handler: logging.Handler, limiter: RepeatLimiter):
        super().__init__()
        self.handler = handler
        self.limiter = limiter

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or getattr(record, "repeat_summary", False):
            return True
        passes, suppressed = self.limiter.admit((record.name, record.levelno, str(record.msg)))
        if suppressed:
            summary = logging.LogRecord(
                record.name,
                record.levelno,
                record.pathname,
                record.lineno,
                "suppressed %d similar messages (more than %d in %g s): %.200s",
                (suppressed, self.limiter.burst, self.limiter.interval_s, record.msg),
                None,
            )
            summary.repeat_summary = True
            self.handler.handle(summary)
        return passes


def install_on_handlers(burst: int, interval_s: float, clock: Callable[[], float] = time.monotonic) -> int:
    """A RepeatFilter on every handler of every configured logger (root, uvicorn's, the driver's) that has none;
    how many were installed. Each handler gets its own limiter, so a record is counted once per output."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    installed = 0
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RepeatFilter) for f in handler.filters):
                handler.addFilter(RepeatFilter(handler, RepeatLimiter(burst, interval_s, clock)))
                installed += 1
    return installed


def structlog_processor(
    burst: int, interval_s: float, clock: Callable[[], float] = time.monotonic
) -> Callable[[Any, str, MutableMapping[str, Any]], MutableMapping[str, Any]]:
    """The same for the app's structlog events (keyed by level and event name): drops what is over the limit, and
    logs a "log.suppressed" event, with the count and the event it stood for, before the next one that passes."""
    limiter = RepeatLimiter(burst, interval_s, clock)

    def limit_repeats(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event = event_dict.get("event")
        if method_name not in _LIMITED_METHODS or event == SUMMARY_EVENT:
            return event_dict
        passes, suppressed = limiter.admit((method_name, str(event)))
        if suppressed:
            summary_method = "warning" if method_name in ("warning", "warn") else "error"
            getattr(structlog.get_logger("api.logs"), summary_method)(
                SUMMARY_EVENT, similar_to=event, count=suppressed, burst=burst, interval_s=interval_s
            )
        if not passes:
            raise structlog.DropEvent
        return event_dict

    return limit_repeats
