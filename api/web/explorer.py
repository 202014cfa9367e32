"""The explorer at GET /explore: a page where investigators and coordinators look at the graph (a lot's chain, a
recall's consignees, an enterprise's ties) instead of reading JSON. Its script is bundled at install from the npm
packages of api/web/package-lock.json (api/web/explorer/build.mjs) and served by the service itself; the page
calls the GraphQL API as it is, with the caller's bearer token.

GET /explore/config.json tells the page how to sign in (the identity provider's issuer and client id, when set;
otherwise the page asks for a pasted token) and which roles each operation and route admits (api/access.py), so
the page offers only what the caller's roles may use."""

from __future__ import annotations

import html
from string import Template
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api import access
from api.web import assets

router = APIRouter(include_in_schema=False)

TEMPLATE = Template((assets.WEB_DIR / "explorer.html").read_text(encoding="utf-8"))


def _settings(request: Request) -> Any:
    return request.app.state.graph.settings


def content_security_policy(issuer: str | None) -> str:
    """The pages' policy, with the identity provider's origin added where the page fetches from it (its discovery
    document and token endpoint); signing in there is a navigation, which the policy does not restrict."""
    if not issuer:
        return assets.CONTENT_SECURITY_POLICY
    parts = urlsplit(issuer)
    return assets.content_security_policy(connect_origins=[f"{parts.scheme}://{parts.netloc}"])


@router.get("/explore")
async def explorer_page(request: Request) -> HTMLResponse:
    urls = {
        "icon": assets.own_url(request, "favicon.svg"),
        "script": assets.explorer_url(request, "explorer.js"),
        "style": assets.explorer_url(request, "explorer.css"),
        "config": f"{request.scope.get('root_path', '')}/explore/config.json",
        "graphql": f"{request.scope.get('root_path', '')}/graphql",
    }
    page = TEMPLATE.substitute({name: html.escape(url) for name, url in urls.items()})
    issuer = _settings(request).explorer_oidc_issuer
    return HTMLResponse(page, headers={"Content-Security-Policy": content_security_policy(issuer)})


def _rule_roles(rule: access.Rule | None) -> list[str] | None:
    return None if rule is None else sorted(rule.roles)


@router.get("/explore/config.json")
async def explorer_config(request: Request) -> JSONResponse:
    settings = _settings(request)
    return JSONResponse(
        {
            "issuer": settings.explorer_oidc_issuer,
            "clientId": settings.explorer_oidc_client_id,
            # Which roles each operation and route admits (null: anyone); the page hides what the caller may not use.
            "operations": {name: _rule_roles(rule) for name, rule in access.OPERATIONS.items()},
            "routes": {name: _rule_roles(rule) for name, rule in access.ROUTES.items()},
        }
    )
