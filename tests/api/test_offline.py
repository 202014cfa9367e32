"""Every page the service serves works on a network with no internet: the explorer (/explore, and / that leads
there), GraphiQL (/graphql), /docs and /redoc load every script, style, font and image from the service itself,
and tell the browser to load nothing from another host. GraphiQL opens on tracegraph's examples, which answer
over the demo data."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from api.main import create_app
from api.web import assets, explorer
from graph.db import Graph
from graph.imports import import_lines
from tests.conftest import ROOT, asgi_client

PAGES = ["/", "/explore", "/graphql", "/docs", "/redoc"]
HTML = {"accept": "text/html"}

# An absolute URL in a script or style, and what before it says a browser would fetch it (an element's src, a CSS
# url() or @import, a worker, fetch, importScripts) rather than show it as a link or text.
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[^\s"'`()<>\\,;]+""")
FETCHED_AFTER = re.compile(
    r"""(?:\bsrc\s*[:=]|\bsrcset\s*[:=]|url\(|@import|importScripts\(|fetch\(|Worker\(|import\()\s*["'`]?$""", re.I
)
# The pinned bundles' own fetches of another host, each refused by the pages' Content-Security-Policy, so the
# browser never sends them: Redoc's footer logo (the image is then hidden).
BLOCKED_BY_POLICY = {(assets.REDOC_JS, "https://cdn.redoc.ly/redoc/logo-mini.svg")}


class References(HTMLParser):
    """What an HTML page makes a browser fetch: src of any element, href of <link> (styles, icons), Redoc's
    spec-url; and the text of its inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name in ("src", "srcset", "spec-url", "poster") or (name == "href" and tag == "link")):
                self.urls.append(value)
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline.append(data)


def fetched_urls(text: str) -> list[str]:
    return [
        m.group(0)
        for m in ABSOLUTE_URL.finditer(text)
        if FETCHED_AFTER.search(text[max(0, m.start() - 20) : m.start()])
    ]


def css_references(text: str) -> list[str]:
    urls = re.findall(r"""url\(\s*["']?([^"')]+)""", text) + re.findall(r"""@import\s+["']([^"']+)""", text)
    return [u for u in urls if not u.startswith("data:")]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("", "data", "blob") and not parts.netloc


@pytest.fixture
async def web(graph: Graph) -> httpx.AsyncClient:
    """The app; the pages need no data."""
    app = create_app(graph=graph)
    async with asgi_client(app) as client:
        yield client


async def walk(client: httpx.AsyncClient, page: str) -> dict[str, str]:
    """Everything `page` makes a browser fetch, by URL, with its text; fails on a reference to another host."""
    seen: dict[str, str] = {}
    response = await client.get(page, headers=HTML, follow_redirects=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), page
    base = str(response.url)
    parser = References()
    parser.feed(response.text)
    inline = "\n".join(parser.inline)
    offsite = [u for u in parser.urls if not is_local(u)] + fetched_urls(inline)
    assert not offsite, f"{page} refers to another host: {offsite}"
    explorer_page = response.url.path.endswith("/explore")
    expected = explorer.content_security_policy(None) if explorer_page else assets.page_policy(response.text)
    assert response.headers.get("content-security-policy") == expected, page
    queue = [urljoin(base, u) for u in parser.urls if not u.startswith("data:")]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        asset = await client.get(url)
        assert asset.status_code == 200, f"{page} refers to {url}, which answers {asset.status_code}"
        seen[url] = asset.text
        kind = asset.headers["content-type"]
        if "css" in kind:
            refs = css_references(asset.text)
            assert all(is_local(u) for u in refs), f"{url} refers to another host: {refs}"
            queue += [urljoin(url, u) for u in refs]
        if "javascript" in kind or "css" in kind:
            path = urlsplit(url).path.removeprefix(assets.VENDOR_URL + "/")
            offsite = {u for u in fetched_urls(asset.text) if (path, u) not in BLOCKED_BY_POLICY}
            assert not offsite, f"{url} would fetch from another host: {sorted(offsite)}"
    return seen


@pytest.mark.parametrize("page", PAGES)
async def test_no_page_refers_to_another_host(web: httpx.AsyncClient, page: str) -> None:
    fetched = await walk(web, page)
    assert any(url.endswith(".js") for url in fetched), f"{page} loads no script: is it the page it should be?"


async def test_the_policy_allows_this_host_only() -> None:
    for directive in assets.CONTENT_SECURITY_POLICY.split(";"):
        _directive, *sources = directive.split()
        assert all(s in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:") for s in sources), directive
    assert "img-src 'self' data:" in assets.CONTENT_SECURITY_POLICY  # what keeps Redoc's logo from being fetched


async def test_the_pages_load_what_they_are_meant_to(web: httpx.AsyncClient) -> None:
    explore = await walk(web, "/explore")
    assert any(u.endswith("/static/explore/explorer.js") for u in explore)
    assert any(u.endswith("/static/explore/explorer.css") for u in explore)
    graphiql = await walk(web, "/graphql")
    docs = await walk(web, "/docs")
    redoc = await walk(web, "/redoc")
    assert any(u.endswith(assets.GRAPHIQL_JS) for u in graphiql) and any(
        u.endswith(assets.REACT_DOM_JS) for u in graphiql
    )
    assert any(u.endswith(assets.SWAGGER_JS) for u in docs) and any(u.endswith(assets.SWAGGER_CSS) for u in docs)
    assert any(u.endswith(assets.REDOC_JS) for u in redoc) and any(u.endswith("/openapi.json") for u in redoc)
    # The scan of scripts finds what a script would fetch: in Redoc's bundle, exactly the logo the policy refuses.
    bundle = next(text for url, text in redoc.items() if url.endswith(assets.REDOC_JS))
    assert set(fetched_urls(bundle)) == {url for _, url in BLOCKED_BY_POLICY}
    # Swagger UI asks its vendor's online validator for a badge unless told not to.
    assert '"validatorUrl": null' in (await web.get("/docs")).text
    assert (await web.get("/openapi.json")).json()["info"]["title"] == "tracegraph"


async def test_the_served_packages_are_the_pinned_ones(web: httpx.AsyncClient) -> None:
    """`make install` ran `npm ci` against the lock file: every served package is at the version package.json pins,
    and nothing outside package.json (what those packages depend on) is served."""
    pinned = json.loads((assets.WEB_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert sorted(pinned) == assets.packages()
    for package, version in pinned.items():
        response = await web.get(f"{assets.VENDOR_URL}/{package}/package.json")
        assert response.status_code == 200 and response.json()["version"] == version, package
    assert not assets.missing_files()
    assert (await web.get(f"{assets.VENDOR_URL}/graphql/package.json")).status_code == 404


async def test_behind_a_path_prefix_the_pages_refer_to_it(graph: Graph) -> None:
    """A reverse proxy serving the app under /tracegraph (uvicorn --root-path): the pages' URLs carry the prefix."""
    app = create_app(graph=graph)
    transport = httpx.ASGITransport(app=app, root_path="/tracegraph")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for page in ("/tracegraph/explore", "/tracegraph/graphql", "/tracegraph/docs", "/tracegraph/redoc"):
            parser = References()
            parser.feed((await client.get(page, headers=HTML)).text)
            assert parser.urls and all(u.startswith("/tracegraph/") for u in parser.urls), (page, parser.urls)
            for url in parser.urls:
                assert (await client.get(url)).status_code == 200, url


def example_tabs(page: str) -> list[str]:
    match = re.search(r'<script type="application/json" id="tracegraph-examples">(.*?)</script>', page, re.S)
    assert match, "the GraphiQL page carries no examples"
    return [tab["query"] for tab in json.loads(match.group(1))]


async def test_graphiql_opens_on_tracegraph_examples_that_answer_over_the_demo(db: Graph) -> None:
    lines = (ROOT / "seed" / "demo.ndjson").read_text(encoding="utf-8").splitlines()
    report = await import_lines(db, lines)
    assert report.ok, report.errors
    app = create_app(graph=db)
    async with asgi_client(app) as client:
        page = (await client.get("/graphql", headers=HTML)).text
        assert "Welcome to GraphiQL" not in page and "unpkg.com" not in page
        tabs = example_tabs(page)
        assert len(tabs) == 2
        for query in tabs:
            assert "Authorization" in query and "Bearer" in query  # where a token goes
            answer = (await client.post("/graphql", json={"query": query})).json()
            assert "errors" not in answer, answer
        trace = (await client.post("/graphql", json={"query": tabs[0]})).json()["data"]["traceBack"]
        scope = (await client.post("/graphql", json={"query": tabs[1]})).json()["data"]["recallScope"]
    assert trace["root"]["id"] == "LOT-IF1-2026-0305" and trace["upstream"] and trace["edges"]
    assert scope["sources"][0]["id"] == "LOT-WMP-NZ-2026-0112" and len(scope["affectedBatches"]) > 1
    assert any(h["onHand"] > 0 for c in scope["consignees"] for h in c["holdings"])
