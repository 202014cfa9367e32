"""RFC 7807 problem+json answers of the EPCIS binding, with the epcisException types of openapi.yaml, and the
version headers every EPCIS answer carries."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

VERSION_HEADERS = {"GS1-EPCIS-Version": "2.0", "GS1-CBV-Version": "2.0"}
TITLES = {400: "Bad request", 404: "Not found", 413: "Too large", 415: "Unsupported media type"}


def problem(status: int, kind: str, detail: str, headers: dict[str, str] | None = None, **more: Any) -> JSONResponse:
    body = {"type": kind, "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **more}
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers={**VERSION_HEADERS, **(headers or {})}
    )
