"""The explorer in a real browser: Playwright (Python) driving Debian's Chromium (/usr/bin/chromium; Playwright
downloads no browser), against the service itself run by uvicorn on a free port, with the Chinese demo data
(seed/demo.ndjson) imported by `tracegraph import`, and a warning with a port-control hit and a recall made through
the API. One browser for the whole package; each test gets a fresh page (1280×800) and its own sign-in.

What a page must show is derived here from the demo's records (seed/demo.ndjson) or asked of the API, never
written down by hand."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from seed.builders import shipment
from tests.conftest import AUDIENCE, ISSUER, ROOT, auth_headers, free_port

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts" / "web"
DEMO = ROOT / "seed" / "demo.ndjson"
WIPE = (ROOT / "cypher" / "testing" / "wipe_all.cypher").read_text(encoding="utf-8")

FAILED_LOT = "LOT-IF1-2026-0305"  # seed/DEMO.md: the failed can lot, traced back
RECALL_SOURCE = "LOT-WMP-NZ-2026-0112"  # the contaminated milk powder, recalled downstream


def token_for(subject: str, *roles: str) -> str:
    """The bearer token the page signs in with: the suite's own (auth_headers) once the service issues tokens;
    until then one with the same claims, unsigned, which the page reads for its roles and the service ignores."""
    headers = auth_headers(subject, *roles)
    if "Authorization" in headers:
        return headers["Authorization"].removeprefix("Bearer ")

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"sub": subject, "roles": list(roles), "exp": int(time.time()) + 3600}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.unsigned"


class Demo:
    """The demo's records, and what follows from them."""

    def __init__(self, lines: list[str]) -> None:
        records = [json.loads(line) for line in lines]
        self.by_type: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for r in records:
            if "id" in r:
                self.by_type[r["type"]][r["id"]] = r
        self.batches = self.by_type["batch"]
        self.shipments = list(self.by_type["shipment"].values())
        self.reports = list(self.by_type["test_report"].values())

    def inputs(self, lot: str) -> list[str]:
        return [i["batch"] for i in self.batches[lot].get("inputs", [])]

    def upstream(self, lot: str, depth: int) -> dict[str, int]:
        """Every lot within depth INPUT_TO hops upstream, at its shortest depth (the root at 0)."""
        seen = {lot: 0}
        frontier = [lot]
        for d in range(1, depth + 1):
            frontier = [i for b in frontier for i in self.inputs(b) if i not in seen]
            for i in frontier:
                seen.setdefault(i, d)
            frontier = list(dict.fromkeys(frontier))
        return seen

    def downstream(self, lot: str) -> set[str]:
        outputs = defaultdict(list)
        for b in self.batches.values():
            for i in b.get("inputs", []):
                outputs[i["batch"]].append(b["id"])
        seen, frontier = {lot}, [lot]
        while frontier:
            frontier = [o for b in frontier for o in outputs[b] if o not in seen]
            seen.update(frontier)
        return seen

    def edges_within(self, lots: set[str]) -> set[tuple[str, str]]:
        return {(i, b) for b in lots for i in self.inputs(b) if i in lots}

    def consignee_lines(self, lots: set[str]) -> set[tuple[str, str]]:
        return {(s["to"], s["batch"]) for s in self.shipments if s["batch"] in lots}


@pytest.fixture(scope="session")
def demo() -> Demo:
    return Demo(DEMO.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="package")
def service(neo4j_target: dict[str, Any], demo: Demo) -> Iterator[dict[str, Any]]:
    """The service on a free port with the demo imported, plus a warning on the recall source with a port-control
    hit (an import of it declared after the warning) and a class I recall of it."""
    import neo4j

    with neo4j.GraphDatabase.driver(
        neo4j_target["neo4j_uri"], auth=(neo4j_target["neo4j_user"], neo4j_target["neo4j_password"])
    ) as driver:
        driver.execute_query(WIPE)
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_target["neo4j_uri"],
        "NEO4J_USER": neo4j_target["neo4j_user"],
        "NEO4J_PASSWORD": neo4j_target["neo4j_password"],
        "CREDIT_SWEEP_INTERVAL_S": "0",
        "LOG_LEVEL": "WARNING",
        "AUTH_ISSUERS": ISSUER.url,  # the tests' issuer, whose tokens the page is given (auth_headers)
        "AUTH_AUDIENCE": AUDIENCE,
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "tracegraph", "import", str(DEMO)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "uvicorn", "--factory", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
        yield {"base": base, **_scenario(base, demo)}
    finally:
        server.terminate()
        server.wait(timeout=20)


def _gql(base: str, query: str, caller: str = "web-fixture", **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=auth_headers(caller, "admin"),
        timeout=60,
    )
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]


def gql_as_admin(service: dict[str, Any], query: str, **variables: Any) -> dict[str, Any]:
    return _gql(service["base"], query, **variables)


def _scenario(base: str, demo: Demo) -> dict[str, Any]:
    signal = _gql(
        base,
        """mutation($input: RiskSignalInput!) { reportSignal(input: $input) { id } }""",
        input={
            "id": "SIG-WEB-0001",
            "source": "LAB_FAILURE",
            "hazard": "BIOLOGICAL",
            "severity": 4,
            "probability": 0.5,
            "receivedAt": "2026-04-08T10:00:00+08:00",
            "subjectBatch": RECALL_SOURCE,
        },
    )["reportSignal"]["id"]
    warning = _gql(
        base,
        """mutation($signals: [ID!]!, $lot: ID!) { issueWarning(signalIds: $signals, targets: {batchIds: [$lot]},
           measures: [PORT_CONTROL, RECALL]) { id grade status } }""",
        signals=[signal],
        lot=RECALL_SOURCE,
    )["issueWarning"]
    if warning["status"] == "PROPOSED":  # grade I or II: in force once a second officer confirms it (four eyes)
        confirm = "mutation($id: ID!) { confirmWarning(id: $id) { id grade status } }"
        warning = _gql(base, confirm, caller="web-fixture-second-officer", id=warning["id"])["confirmWarning"]
    # An import of the warned lot declared after the warning took effect: a port-control hit.
    imported = next(s for s in demo.shipments if s["batch"] == RECALL_SOURCE and s.get("direction") == "IMPORT")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    declaration = "WEB" + imported["declaration"]
    hit = shipment(
        "SHP-WEB-0001",
        RECALL_SOURCE,
        imported["to"],
        quantity=100,
        from_=imported["from"],
        shipped_at=tomorrow,
        direction="IMPORT",
        port=imported["port"],
        declaration=declaration,
    )
    report = _gql(
        base, "mutation($n: String!) { importRecords(ndjson: $n) { ok errors { message } } }", n=json.dumps(hit)
    )
    assert report["importRecords"]["ok"], report
    recall = _gql(
        base,
        """mutation($lots: [ID!]!, $w: ID) { openRecall(batchIds: $lots, recallClass: I, warningId: $w) { id } }""",
        lots=[RECALL_SOURCE],
        w=warning["id"],
    )["openRecall"]["id"]
    return {"warning": warning, "hit": hit, "recall": recall}


# Package scope: Playwright's sync API runs an event loop of its own, which must be gone before the suite's
# asyncio tests (elsewhere) run.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (make test installs Debian's)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


class Explorer:
    """A page of the explorer, signed in with `roles` (none: not signed in), collecting console errors."""

    def __init__(self, browser: Any, base: str, roles: tuple[str, ...], width: int = 1280, height: int = 800) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.token = token_for("web-test", *roles) if roles else None
        if self.token:
            self.context.add_init_script(
                f"sessionStorage.setItem('tracegraph.explorer.token', {json.dumps(self.token)})"
            )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.requests: list[Any] = []
        self.page.on("request", lambda r: self.requests.append(r))

    def open(self, hash_route: str, ready: str | None = None, timeout_ms: int = 30_000) -> Any:
        self.page.goto(f"{self.base}/explore{hash_route}")
        if ready:
            self.wait_ready(ready, timeout_ms)
        return self.page

    def wait_ready(self, ready: str, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_selector(f'main[data-ready="{ready}"]', timeout=timeout_ms)

    def graph_nodes(self) -> set[str]:
        return set(self.page.evaluate("() => window.explorer.cy.nodes().map(n => n.id())"))

    def graph_edges(self) -> set[tuple[str, str]]:
        pairs = self.page.evaluate("() => window.explorer.cy.edges().map(e => [e.source().id(), e.target().id()])")
        return {tuple(p) for p in pairs}

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.wait_for_timeout(150)  # the canvas' next frame
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def explorer(browser: Any, service: dict[str, Any]) -> Iterator[Any]:
    """explorer(*roles, width=, height=): a fresh page; every page opened is closed after the test."""
    pages: list[Explorer] = []

    def make(*roles: str, width: int = 1280, height: int = 800) -> Explorer:
        page = Explorer(browser, service["base"], roles, width, height)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
