"""The HTTP API's documentation pages, /docs (Swagger UI) and /redoc, as FastAPI draws them but with their
scripts and styles from the service itself (FastAPI's defaults load them from CDNs)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.web import assets

router = APIRouter(include_in_schema=False)


def _openapi_url(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{request.app.openapi_url}"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} · HTTP API",
        swagger_js_url=assets.vendor_url(request, assets.SWAGGER_JS),
        swagger_css_url=assets.vendor_url(request, assets.SWAGGER_CSS),
        swagger_favicon_url=assets.vendor_url(request, assets.SWAGGER_ICON),
        # Swagger UI's default sends the spec's address to its vendor's online validator for a badge.
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers["Content-Security-Policy"] = assets.page_policy(bytes(page.body).decode())
    return page


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} · HTTP API",
        redoc_js_url=assets.vendor_url(request, assets.REDOC_JS),
        redoc_favicon_url=assets.vendor_url(request, assets.SWAGGER_ICON),
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = assets.page_policy(bytes(page.body).decode())
    return page
