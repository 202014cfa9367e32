"""Security headers on every answer, as pure ASGI middleware (so answers of other middleware, a 413 from the body
limit for one, carry them too):

- `X-Content-Type-Options: nosniff`: a browser takes a JSON or CSV answer for what it says it is, never a script;
- `Content-Security-Policy`: an answer that sets none (every JSON, CSV and XLSX one) gets API_POLICY, which lets
  it load nothing and be framed by no one; the browser pages (GraphiQL, /docs, /redoc) set their own
  (api/web/assets.py), which also refuses framing;
- `X-Frame-Options: DENY`: what older browsers read instead of frame-ancestors;
- `Referrer-Policy: no-referrer`: a lot or listing id in a URL never reaches another site through a link."""

from __future__ import annotations

from typing import Any

API_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", API_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
HEADER_MAP = {name.decode(): value.decode() for name, value in HEADERS}


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` plus each security header it does not set itself."""
    present = {name.lower() for name, _ in headers}
    return [*headers, *((name, value) for name, value in HEADERS if name not in present)]


class SecurityHeaders:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_security_headers(list(message.get("headers", [])))}
            await send(message)

        await self.app(scope, receive, send_with_headers)
