"""GraphiQL at GET /graphql (Accept: text/html), served whole by the service: Strawberry's own page loads GraphiQL
from a CDN and opens on a generic welcome; this one loads the pinned bundles of api/web/node_modules and opens on
tracegraph's examples (api/web/examples/*.graphql, one tab each)."""

from __future__ import annotations

import html
import json
from string import Template
from typing import Any

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from api.graphql_http import StrictGraphQLRouter
from api.web import assets

TEMPLATE = Template((assets.WEB_DIR / "graphiql.html").read_text(encoding="utf-8"))
EXAMPLE_FILES = sorted((assets.WEB_DIR / "examples").glob("*.graphql"))


def examples() -> list[dict[str, str]]:
    """GraphiQL's default tabs: the example operations, in file name order."""
    return [{"query": path.read_text(encoding="utf-8")} for path in EXAMPLE_FILES]


def page(request: Request) -> str:
    # JSON inside <script>: "<" escaped, so no example text can close the element.
    tabs = json.dumps(examples(), ensure_ascii=False).replace("<", "\\u003c")
    urls = {
        "icon": assets.own_url(request, "favicon.svg"),
        "page_css": assets.own_url(request, "graphiql-page.css"),
        "page_js": assets.own_url(request, "graphiql-page.js"),
        "graphiql_css": assets.vendor_url(request, assets.GRAPHIQL_CSS),
        "graphiql_js": assets.vendor_url(request, assets.GRAPHIQL_JS),
        "explorer_css": assets.vendor_url(request, assets.EXPLORER_CSS),
        "explorer_js": assets.vendor_url(request, assets.EXPLORER_JS),
        "react_js": assets.vendor_url(request, assets.REACT_JS),
        "react_dom_js": assets.vendor_url(request, assets.REACT_DOM_JS),
    }
    return TEMPLATE.substitute({name: html.escape(url) for name, url in urls.items()}, tabs=tabs)


class GraphQLRouter(StrictGraphQLRouter):
    """The GraphQL endpoint with the page above as its IDE."""

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        return HTMLResponse(page(request), headers={"Content-Security-Policy": assets.CONTENT_SECURITY_POLICY})
