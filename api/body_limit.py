"""A cap on request bodies, as pure ASGI middleware (it sees the body as it streams, before any endpoint buffers it).

A body declared (Content-Length) or found (counting the streamed bytes) larger than the cap of its path is answered
413, and one that stalls longer than the body timeout between two pieces is answered 408; both close the
connection. The caps are per path prefix, so an endpoint that streams what it reads (an import job) can have its
own cap or none."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import structlog

log = structlog.get_logger("api.http")

Scope = dict[str, Any]
Message = dict[str, Any]


class _BodyRefused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BodyLimit:
    def __init__(
        self,
        app: Any,
        max_bytes: int | None,
        by_path: Mapping[str, int | None] | None = None,
        timeout_s: float | None = None,
    ):
        self.app = app
        self.max_bytes = max_bytes
        # Longest prefix first, so "/imports/big" may differ from "/imports".
        self.by_path = sorted((by_path or {}).items(), key=lambda item: len(item[0]), reverse=True)
        self.timeout_s = timeout_s

    def cap_for(self, path: str) -> tuple[int | None, str]:
        """The byte cap for a path (None: no cap), and the setting that sets it (for the message)."""
        for prefix, cap in self.by_path:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return cap, f"MAX_BODY_BYTES_BY_PATH[{prefix!r}]"
        return self.max_bytes, "MAX_BODY_BYTES"

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap, setting = self.cap_for(scope["path"])
        too_large = _BodyRefused(
            413, "PAYLOAD_TOO_LARGE", f"the request body is larger than {cap} bytes, the limit {setting} sets"
        )
        declared = _content_length(scope)
        if cap is not None and declared is not None and declared > cap:
            await _refuse(scope, send, too_large)
            return

        received = 0
        body_done = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # afterwards the app only waits for a disconnect, however long it works
                return await receive()
            try:
                async with asyncio.timeout(self.timeout_s):
                    message = await receive()
            except TimeoutError:
                raise _BodyRefused(
                    408,
                    "REQUEST_TIMEOUT",
                    f"the request body stalled for more than {self.timeout_s:g} s (API_BODY_TIMEOUT_S)",
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if cap is not None and received > cap:
                    raise too_large
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyRefused as refused:
            if response_started:  # too late for a status: end the exchange, the client sees a cut response
                log.warning("http.body_refused_after_response_start", path=scope["path"], code=refused.code)
                return
            await _refuse(scope, send, refused)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP parser refuses a malformed one before it reaches here
    return None


async def _refuse(scope: Scope, send: Any, refused: _BodyRefused) -> None:
    log.warning("http.body_refused", path=scope["path"], status=refused.status, code=refused.code)
    body = json.dumps({"error": {"code": refused.code, "message": refused.message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refused.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not read: the connection cannot carry another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
