"""uvicorn's h11 protocol with the two guards uvicorn lacks: a time limit on a request's line and headers, and a
cap on open connections, and a third that h11 lacks: a cap on the size of a request's line and headers.

uvicorn times out a connection only once a response is sent (keep-alive), so a client that connects and sends
nothing, or sends its headers a byte at a time, holds a file descriptor for good; 20 000 of them exhausted the
process's descriptors and the accept loop then failed (and logged) in a tight loop. limit_concurrency does not
help there: it answers 503 to requests, and these never complete one. Here a connection whose request headers are
not complete within `header_timeout_s` (from its opening, or from the first byte of its next request) is closed,
and a connection beyond `max_connections` is closed as soon as it is accepted.

h11's own cap (h11_max_incomplete_event_size) counts only headers still incomplete after a read, so a 100 KB header
block that arrives in one read passed a 16 KB cap; here every byte up to the end of the headers counts, and a
request whose line and headers exceed `max_header_bytes` is answered 431 and its connection closed."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.security_headers import HEADERS as SECURITY_HEADERS

log = logging.getLogger("uvicorn.error")


class GuardedH11Protocol(H11Protocol):
    def __init__(
        self,
        *args: Any,
        header_timeout_s: float,
        max_connections: int,
        max_header_bytes: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self.max_connections = max_connections
        self.max_header_bytes = max_header_bytes
        self._header_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0  # of the request line and headers being received, before the last read
        self._head_tail = b""  # the last bytes of it, so an end of headers split across two reads is found

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
        if self.conn.their_state is h11.IDLE and self._head_exceeds_cap(data):
            self._refuse_large_head()
            return
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still waiting for the end of a request's headers
            if self._header_timer is None and not self.transport.is_closing():
                self._arm_header_timer()
        else:
            self._cancel_header_timer()

    def _head_exceeds_cap(self, data: bytes) -> bool:
        """Count `data` into the request head being received: True once the head is larger than the cap. (A second
        request pipelined in the same read is left to h11's cap.)"""
        if self.max_header_bytes is None:
            return False
        joined = self._head_tail + data
        end = joined.find(b"\r\n\r\n")
        if end < 0:
            self._head_bytes += len(data)
            self._head_tail = joined[-3:]
            return self._head_bytes > self.max_header_bytes
        size = self._head_bytes - len(self._head_tail) + end + 4
        self._head_bytes, self._head_tail = 0, b""
        return size > self.max_header_bytes

    def _refuse_large_head(self) -> None:
        log.warning(
            "Request line and headers larger than %d bytes (API_MAX_HEADER_BYTES): refused.", self.max_header_bytes
        )
        message = f"the request line and headers are larger than {self.max_header_bytes} bytes (API_MAX_HEADER_BYTES)"
        body = json.dumps({"error": {"code": "REQUEST_HEADER_FIELDS_TOO_LARGE", "message": message}}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        # Written raw: h11 sends a response only to a request it has parsed, and this one it never will.
        head = b"HTTP/1.1 431 Request Header Fields Too Large\r\n" + b"".join(
            k + b": " + v + b"\r\n" for k, v in headers
        )
        self.transport.write(head + b"\r\n" + body)
        self.transport.close()

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
