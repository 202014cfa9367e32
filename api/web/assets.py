"""Where the browser pages' scripts and styles come from: the npm packages pinned in api/web/package-lock.json,
installed by `make install` (`npm ci`) into api/web/node_modules and served from there, each under
/static/vendor/<package>/; the pages' own files (api/web/static/) under /static/web/. Nothing is fetched from
another host, and the pages say so to the browser too (CONTENT_SECURITY_POLICY)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
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
# would fetch a logo from its vendor), so nothing leaves a closed network and nothing waits on a time-out. Scripts
# run only from the service's own files and, for a page that starts its bundle with an inline script (FastAPI's
# /docs), that very script by its hash: no injected script runs. Styles keep 'unsafe-inline' (Redoc and GraphiQL
# set styles from script); blob: for Redoc's search worker; frame-ancestors: no other site may frame a page. A
# page that fetches from another origin (the explorer, from its identity provider) names it in `connect_origins`.
def content_security_policy(inline_scripts: Iterable[str] = (), connect_origins: Iterable[str] = ()) -> str:
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline_scripts
    )
    connect = "".join(f" {origin}" for origin in connect_origins)
    return (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src 'self'{connect}; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)  # a script element with no attributes


def page_policy(page: str) -> str:
    """The policy for an HTML page: its own inline scripts allowed by hash, nothing else inline."""
    return content_security_policy(INLINE_SCRIPT.findall(page))


CONTENT_SECURITY_POLICY = content_security_policy()


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
