"""Where the browser pages' scripts and styles come from: the npm packages pinned in api/web/package-lock.json,
installed by `make install` (`npm ci`) into api/web/node_modules and served from there, each under
/static/vendor/<package>/; the pages' own files (api/web/static/) under /static/web/. Nothing is fetched from
another host, and the pages say so to the browser too (CONTENT_SECURITY_POLICY)."""

from __future__ import annotations

import json
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from starlette.staticfiles import StaticFiles

log = structlog.get_logger("api.web")

WEB_DIR = Path(__file__).resolve().parent
NODE_MODULES = WEB_DIR / "node_modules"
VENDOR_URL = "/static/vendor"
OWN_URL = "/static/web"
# The explorer's bundle (api/web/explorer/build.mjs writes it at install from explorer/src and the npm packages).
EXPLORER_BUILD = WEB_DIR / "explorer" / "build"
EXPLORER_URL = "/static/explore"

# The files the pages load, by path under node_modules.
GRAPHIQL_JS = "graphiql/graphiql.min.js"
GRAPHIQL_CSS = "graphiql/graphiql.min.css"
EXPLORER_JS = "@graphiql/plugin-explorer/dist/index.umd.js"
EXPLORER_CSS = "@graphiql/plugin-explorer/dist/style.css"
REACT_JS = "react/umd/react.production.min.js"
REACT_DOM_JS = "react-dom/umd/react-dom.production.min.js"
SWAGGER_JS = "swagger-ui-dist/swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui-dist/swagger-ui.css"
SWAGGER_ICON = "swagger-ui-dist/favicon-32x32.png"
REDOC_JS = "redoc/bundles/redoc.standalone.js"
EXPLORER_FILES = ("explorer.js", "explorer.css")
PAGE_FILES = (
    GRAPHIQL_JS,
    GRAPHIQL_CSS,
    EXPLORER_JS,
    EXPLORER_CSS,
    REACT_JS,
    REACT_DOM_JS,
    SWAGGER_JS,
    SWAGGER_CSS,
    SWAGGER_ICON,
    REDOC_JS,
)

# Sent with every page: the browser itself refuses to load anything from another host (Redoc's footer, for one,
# would fetch a logo from its vendor), so nothing leaves a closed network and nothing waits on a time-out.
# 'unsafe-inline': FastAPI's /docs and /redoc pages start their bundles with inline scripts; blob: for Redoc's
# search worker.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'"
)


def packages() -> list[str]:
    """The packages served: those package.json depends on (not what they depend on in turn)."""
    return sorted(json.loads((WEB_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"])


def vendor_url(request: Request, path: str) -> str:
    """The URL of a file under node_modules, below the prefix a reverse proxy serves the app under."""
    return f"{request.scope.get('root_path', '')}{VENDOR_URL}/{path}"


def own_url(request: Request, name: str) -> str:
    return f"{request.scope.get('root_path', '')}{OWN_URL}/{name}"


def explorer_url(request: Request, name: str) -> str:
    return f"{request.scope.get('root_path', '')}{EXPLORER_URL}/{name}"


def missing_files() -> list[str]:
    missing = [path for path in PAGE_FILES if not (NODE_MODULES / path).is_file()]
    return missing + [f"explorer/build/{name}" for name in EXPLORER_FILES if not (EXPLORER_BUILD / name).is_file()]


def mount(app: FastAPI) -> None:
    """Serve the packages and the pages' own files. Without the packages (no `make install`), the API works and the
    pages stay blank: say so once, at start."""
    if missing := missing_files():
        log.warning("web.assets_missing", missing=missing, hint="run `make install` (npm ci and the build in api/web)")
    for package in packages():
        directory = StaticFiles(directory=NODE_MODULES / package, check_dir=False)
        app.mount(f"{VENDOR_URL}/{package}", directory, name=f"vendor:{package}")
    app.mount(OWN_URL, StaticFiles(directory=WEB_DIR / "static"), name="web")
    app.mount(EXPLORER_URL, StaticFiles(directory=EXPLORER_BUILD, check_dir=False), name="explorer")
