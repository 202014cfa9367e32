"""uvicorn's h11 protocol with the two guards uvicorn lacks: a time limit on a request's line and headers, and a
cap on open connections.

uvicorn times out a connection only once a response is sent (keep-alive), so a client that connects and sends
nothing, or sends its headers a byte at a time, holds a file descriptor for good; 20 000 of them exhausted the
process's descriptors and the accept loop then failed (and logged) in a tight loop. limit_concurrency does not
help there: it answers 503 to requests, and these never complete one. Here a connection whose request headers are
not complete within `header_timeout_s` (from its opening, or from the first byte of its next request) is closed,
and a connection beyond `max_connections` is closed as soon as it is accepted."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("uvicorn.error")


class GuardedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, header_timeout_s: float, max_connections: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self.max_connections = max_connections
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            log.warning(
                "Connection limit reached (API_MAX_CONNECTIONS=%d): closing a new connection.", self.max_connections
            )
            transport.abort()  # connection_lost follows and does uvicorn's bookkeeping
            return
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still waiting for the end of a request's headers
            if self._header_timer is None and not self.transport.is_closing():
                self._arm_header_timer()
        else:
            self._cancel_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._header_timeout)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if self.conn.their_state is h11.IDLE and not in_flight and not self.transport.is_closing():
            log.warning(
                "Request headers not complete within %g s (API_HEADER_TIMEOUT_S): closing.", self.header_timeout_s
            )
            self.transport.close()
