"""The explorer's views in Chromium against the running service with the demo: each shows the lots, rows and paths
the demo's records (or the API, for computed scores) say it must; each leaves a screenshot in test-artifacts/web/."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import httpx

from tests.web.conftest import FAILED_LOT, RECALL_SOURCE, Demo, gql_as_admin

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def figure(text: str) -> float:
    return float(text.replace(",", "").strip())


def links_to(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => decodeURIComponent(e.getAttribute('href')))")


# --- entry ---------------------------------------------------------------------------------------------------------


def test_the_root_leads_to_the_explorer_which_says_how_to_sign_in(service):
    root = httpx.get(f"{service['base']}/", follow_redirects=False)
    assert root.status_code in (302, 307) and root.headers["location"].endswith("/explore")
    page = httpx.get(f"{service['base']}/explore")
    assert page.status_code == 200 and "/static/explore/explorer.js" in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]  # no inline script, no other host
    config = httpx.get(f"{service['base']}/explore/config.json").json()
    assert config["issuer"] is None and config["clientId"] == "tracegraph-explorer"
    assert "recall_coordinator" in config["operations"]["Mutation.openRecall"]
    assert "investigator" not in config["operations"]["Mutation.openRecall"]


# --- search --------------------------------------------------------------------------------------------------------


def test_search_finds_lots_enterprises_persons_and_declarations_as_one_types(explorer, demo: Demo):
    e = explorer("investigator")
    page = e.open("#/search", ready="search:")
    enterprise = demo.by_type["enterprise"]["ENT-CN-DIST-01"]
    word = enterprise["name"][2:4]  # a run of characters inside the name
    expected = {i for i, r in demo.by_type["enterprise"].items() if word in r["name"]}
    page.fill("#search-input", word)
    page.wait_for_selector('[data-group="enterprises"] li')
    found = {h.split("/")[-1] for h in links_to(page, '[data-group="enterprises"] li > a')}
    assert found == expected
    e.screenshot("search")

    page.fill("#search-input", FAILED_LOT)
    page.wait_for_selector('[data-group="lots"] li')
    assert links_to(page, '[data-group="lots"] a.lot-id') == [f"#/lot/{FAILED_LOT}"]
    assert e.page.url.endswith(f"#/search?q={FAILED_LOT}")  # the address shares the search

    person = demo.by_type["person"]["P-LI-NA"]
    page.fill("#search-input", person["name"])
    page.wait_for_selector('[data-group="persons"] li')
    assert person["name"] in page.inner_text('[data-group="persons"]')

    declared = next(s for s in demo.shipments if s.get("declaration"))
    page.fill("#search-input", declared["declaration"])
    page.wait_for_selector('[data-group="shipments"] li')
    assert f"#/lot/{declared['batch']}" in links_to(page, '[data-group="shipments"] a.lot-id')
    page.press("#search-input", "Enter")  # the first result opens from the keyboard
    e.wait_ready(f"lot:{declared['batch']}")


# --- a lot ---------------------------------------------------------------------------------------------------------


def test_trace_back_draws_every_upstream_lot_and_input_edge_and_each_lots_shipments(explorer, demo: Demo, service):
    e = explorer("investigator")
    page = e.open(f"#/lot/{FAILED_LOT}?depth=10", ready=f"lot:{FAILED_LOT}")
    lots = demo.upstream(FAILED_LOT, 10)
    assert e.graph_nodes() == set(lots)
    assert e.graph_edges() == demo.edges_within(set(lots))
    listed = page.eval_on_selector_all("table.nodes button[data-lot]", "bs => bs.map(b => b.dataset.lot)")
    assert set(listed) == set(lots)
    e.screenshot("lot-trace")

    lot = min(i for i, d in lots.items() if d == 2)
    page.click(f'table.nodes button[data-lot="{lot}"]')
    page.wait_for_selector(f'aside.detail h2:text("{lot}")')
    carried = [s for s in [*demo.shipments, service["hit"]] if s["batch"] == lot]
    assert page.locator("aside.detail li.shipment").count() == len(carried)
    detail = page.inner_text("aside.detail")
    for s in carried:
        if s.get("declaration"):
            assert s["declaration"] in detail
    e.screenshot("lot-trace-selected")


def test_depth_limits_the_trace_and_a_click_expands_a_lot_upstream(explorer, demo: Demo):
    e = explorer("investigator")
    page = e.open(f"#/lot/{FAILED_LOT}?depth=1", ready=f"lot:{FAILED_LOT}")
    assert e.graph_nodes() == set(demo.upstream(FAILED_LOT, 1))
    lot = next(i for i, d in sorted(demo.upstream(FAILED_LOT, 1).items()) if d == 1 and demo.inputs(i))
    page.click(f'table.nodes button[data-lot="{lot}"]')
    page.click("aside.detail .actions button")
    page.wait_for_function(f"() => window.explorer.cy.nodes().length > {len(demo.upstream(FAILED_LOT, 1))}")
    assert e.graph_nodes() == set(demo.upstream(FAILED_LOT, 1)) | set(demo.inputs(lot))
    page.fill("#depth", "3")
    page.click(".controls button[type=submit]")
    e.wait_ready(f"lot:{FAILED_LOT}")
    assert "depth=3" in page.url and e.graph_nodes() == set(demo.upstream(FAILED_LOT, 3))


def test_recall_scope_draws_the_lots_downstream_with_the_consignees_and_their_spreadsheet(explorer, demo, service):
    e = explorer("investigator")
    page = e.open(f"#/lot/{RECALL_SOURCE}?tab=recall&depth=10", ready=f"lot:{RECALL_SOURCE}")
    affected = demo.downstream(RECALL_SOURCE)
    assert e.graph_nodes() == affected
    assert e.graph_edges() == demo.edges_within(affected)
    received: dict[tuple[str, str], float] = defaultdict(float)
    for s in [*demo.shipments, service["hit"]]:
        if s["batch"] in affected:
            received[(s["to"], s["batch"])] += s["quantity"]
    for _ in range(100):  # every page of the table
        if not page.locator(".consignees button.more:visible").count():
            break
        page.click(".consignees button.more")
    rows = page.eval_on_selector_all(
        ".consignee-table tbody tr",
        "trs => trs.map(tr => [...tr.cells].map(td => td.querySelector('a')?.getAttribute('href') || td.innerText))",
    )
    shown = {(r[0].split("/")[-1], r[1].split("/")[-1]): figure(r[2]) for r in rows}
    assert shown == received
    assert page.locator("#open-recall").count() == 0  # an investigator does not open recalls
    e.screenshot("lot-recall-scope")

    with page.expect_download() as download:
        page.click('a.download[data-ext="csv"]')
    sheet = download.value.path().read_text(encoding="utf-8-sig")
    for consignee, lot in received:
        assert consignee in sheet and lot in sheet
    fetched = [r for r in e.requests if "/recall-scope.csv" in r.url]
    assert fetched and (e.token is None or fetched[0].headers.get("authorization") == f"Bearer {e.token}")


def test_a_recall_coordinator_goes_from_the_failed_lot_to_an_open_recall(explorer, demo: Demo):
    e = explorer("recall_coordinator")
    page = e.open(f"#/lot/{RECALL_SOURCE}?tab=recall", ready=f"lot:{RECALL_SOURCE}")
    page.select_option("#recall-class", "II")
    page.click("#open-recall")
    page.wait_for_url(re.compile(r"#/recall/"))
    recall = page.url.split("#/recall/")[1]
    e.wait_ready(f"recall:{recall}")
    lines = {(s["to"], s["batch"]) for s in demo.shipments if s["batch"] in demo.downstream(RECALL_SOURCE)}
    assert page.locator(".consignee-table tbody tr").count() == min(50, len(lines))
    assert page.locator('a.download[data-ext="xlsx"]').count() == 1


def test_a_lots_events_are_a_timeline_of_its_making_shipments_and_tests(explorer, demo: Demo):
    e = explorer("investigator")
    page = e.open(f"#/lot/{FAILED_LOT}?tab=events", ready=f"lot:{FAILED_LOT}")
    shipped = [s for s in demo.shipments if s["batch"] == FAILED_LOT]
    tested = [r for r in demo.reports if r["batch"] == FAILED_LOT]
    assert page.locator("#lot-events > li").count() == 1 + len(shipped) + len(tested)
    assert page.locator("#lot-events > li.failed").count() == sum(r["result"] == "FAIL" for r in tested)
    times = page.eval_on_selector_all("#lot-events time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert times == sorted(times)
    e.screenshot("lot-events")


# --- enterprises and contagion -------------------------------------------------------------------------------------


def test_an_enterprise_shows_its_grade_history_listings_ties_and_each_evidence_path(explorer, service):
    answer = gql_as_admin(
        service,
        """{ listed: enterprise(id: "ENT-CN-DIST-01") { creditHistory { seq } blacklistEntries { id } ties { kind } }
             exposed: enterprise(id: "ENT-CN-RETAIL-03") {
               exposure { evidence { source { id } hops { from { id } to { id } } } } } }""",
    )
    e = explorer("investigator")
    page = e.open("#/enterprise/ENT-CN-DIST-01", ready="enterprise:ENT-CN-DIST-01")
    assert page.locator("#credit-history > li").count() == len(answer["listed"]["creditHistory"]) > 0
    listings = page.inner_text("main")
    assert all(b["id"] in listings for b in answer["listed"]["blacklistEntries"])
    assert page.locator("table.ties tbody tr").count() == len(answer["listed"]["ties"])
    e.screenshot("enterprise")

    page = e.open("#/enterprise/ENT-CN-RETAIL-03", ready="enterprise:ENT-CN-RETAIL-03")
    paths = answer["exposed"]["exposure"]["evidence"]
    expected = {p["source"]["id"] for p in paths} | {hop["to"]["id"] for p in paths for hop in p["hops"]}
    page.wait_for_selector("ol.paths button.path")
    assert e.graph_nodes() == expected
    page.click('ol.paths button[data-path="0"]')
    lit = set(page.evaluate("() => window.explorer.cy.edges('.lit').map(e => e.source().id() + '>' + e.target().id())"))
    assert lit == {f"{hop['from']['id']}>{hop['to']['id']}" for hop in paths[0]["hops"]}
    e.screenshot("enterprise-exposure")


def test_contagion_lists_the_exposures_above_a_score_and_lights_the_paths_behind_one(explorer, service):
    exposures = gql_as_admin(
        service,
        "{ contagion(minScore: 0.3) { enterprise { id } evidence { hops { from { id } to { id } } } } }",
    )["contagion"]
    e = explorer("investigator")
    page = e.open("#/contagion?minScore=0.3", ready="contagion:")
    rows = page.eval_on_selector_all("table.exposures button.exposure", "bs => bs.map(b => b.dataset.enterprise)")
    assert rows == [x["enterprise"]["id"] for x in exposures]
    first = exposures[0]
    page.click(f'button.exposure[data-enterprise="{first["enterprise"]["id"]}"]')
    lit = set(page.evaluate("() => window.explorer.cy.edges('.lit').map(e => e.source().id() + '>' + e.target().id())"))
    assert lit == {f"{h['from']['id']}>{h['to']['id']}" for p in first["evidence"] for h in p["hops"]}
    e.screenshot("contagion")


# --- warnings and recalls ------------------------------------------------------------------------------------------


def test_warnings_list_with_grades_and_a_warning_shows_its_port_control_hits(explorer, service):
    e = explorer("risk_officer")
    page = e.open("#/warnings", ready="warnings:")
    warning = service["warning"]
    assert f"#/warning/{warning['id']}" in links_to(page, "table.warnings a")
    assert page.locator(f".badge.warning-{warning['grade']}").count() >= 1
    page.wait_for_selector("#warnings-chart canvas")
    e.screenshot("warnings")
    page = e.open(f"#/warning/{warning['id']}", ready=f"warning:{warning['id']}")
    hits = page.inner_text("table.hits")
    assert service["hit"]["declaration"] in hits and service["hit"]["port"] in hits
    e.screenshot("warning")


def test_recalls_list_with_deadlines_and_effectiveness(explorer, service):
    recalls = gql_as_admin(service, "{ recalls(first: 1000) { recalls { id } } }")["recalls"]["recalls"]
    e = explorer("recall_coordinator")
    page = e.open("#/recalls", ready="recalls:")
    assert [h.split("/")[-1] for h in links_to(page, "table.recalls tbody td:first-child a")] == [
        r["id"] for r in recalls
    ]
    page.wait_for_selector("#recalls-chart canvas")
    e.screenshot("recalls")


# --- language, roles, sign-in, sizes -------------------------------------------------------------------------------

LABELS_JS = """() => {
  const copy = document.body.cloneNode(true);
  // stored names, and the switch back, which names Chinese in Chinese
  copy.querySelectorAll('.stored, noscript, script, #lang-switch').forEach(el => el.remove());
  const attrs = [...copy.querySelectorAll('[aria-label], [placeholder], [title]')]
    .flatMap(el => [el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('title')]);
  return [copy.textContent, ...attrs.filter(Boolean), document.title].join('\\n');
}"""


def test_the_language_switch_changes_every_label_and_is_remembered(explorer, service):
    e = explorer("admin")
    page = e.open(f"#/lot/{FAILED_LOT}", ready=f"lot:{FAILED_LOT}")
    assert CJK.search(page.inner_text("nav"))  # Chinese by default
    dictionaries = page.evaluate(
        "() => Object.fromEntries(Object.entries(window.explorer.dictionaries)"
        ".map(([k, d]) => [k, Object.keys(d).sort()]))"
    )
    assert dictionaries["zh"] == dictionaries["en"]
    page.click("#lang-switch")
    e.wait_ready(f"lot:{FAILED_LOT}")
    routes = [
        (f"#/lot/{FAILED_LOT}", f"lot:{FAILED_LOT}"),
        (f"#/lot/{RECALL_SOURCE}?tab=recall", f"lot:{RECALL_SOURCE}"),
        (f"#/lot/{FAILED_LOT}?tab=events", f"lot:{FAILED_LOT}"),
        ("#/search?q=" + "新乡", "search:"),
        ("#/enterprise/ENT-CN-DIST-01", "enterprise:ENT-CN-DIST-01"),
        ("#/contagion", "contagion:"),
        ("#/warnings", "warnings:"),
        (f"#/warning/{service['warning']['id']}", f"warning:{service['warning']['id']}"),
        ("#/recalls", "recalls:"),
        (f"#/recall/{service['recall']}", f"recall:{service['recall']}"),
        ("#/signin", "signin:"),
    ]
    for route, ready in routes:
        e.open(route, ready=ready)  # a new load: the choice is remembered
        if route.startswith("#/search"):
            page.wait_for_selector("#search-results li")
        if "tab=recall" in route:
            e.screenshot("english-recall-scope")
        left = CJK.findall(page.evaluate(LABELS_JS))
        assert not left, f"{route}: Chinese left in English: {''.join(left)[:80]}"
    assert page.inner_text("#lang-switch") == "中文"
    e.screenshot("english-signin")
    assert not [m for m in e.errors if "i18n.missing" in m]


def test_a_role_sees_only_what_it_may_use(explorer):
    platform = explorer("credit_platform")
    page = platform.open("#/search", ready="search:")
    assert page.eval_on_selector_all("header nav a", "as => as.map(a => a.dataset.nav)") == ["search"]
    investigator = explorer("investigator")
    page = investigator.open(f"#/lot/{RECALL_SOURCE}?tab=recall", ready=f"lot:{RECALL_SOURCE}")
    assert page.locator("#open-recall").count() == 0 and page.locator("a.download").count() == 2
    assert set(page.eval_on_selector_all("header nav a", "as => as.map(a => a.dataset.nav)")) == {
        "search",
        "contagion",
        "warnings",
        "recalls",
        "plans",  # monitoring plans: every regulator reads them (issue 17)
    }
    coordinator = explorer("recall_coordinator")
    page = coordinator.open(f"#/lot/{RECALL_SOURCE}?tab=recall", ready=f"lot:{RECALL_SOURCE}")
    assert page.locator("#open-recall").count() == 1


def test_the_token_path_signs_in_and_every_call_carries_the_token(explorer):
    e = explorer()  # not signed in
    page = e.open("#/signin", ready="signin:")
    assert page.locator("#oidc-sign-in").count() == 0  # the service names no identity provider here
    page.fill("#token-input", "not a token")
    page.click("#token-form button[type=submit]")
    assert page.inner_text("#token-problem")
    from tests.web.conftest import token_for

    token = token_for("ana", "investigator")
    page.fill("#token-input", token)
    page.click("#token-form button[type=submit]")
    e.wait_ready("search:")
    assert "ana" in page.inner_text("#who")
    e.open(f"#/lot/{FAILED_LOT}", ready=f"lot:{FAILED_LOT}")
    calls = [r for r in e.requests if r.url.endswith("/graphql")]
    assert calls and all(r.headers.get("authorization") == f"Bearer {token}" for r in calls)


def test_the_views_fit_a_tablet(explorer, service):
    e = explorer("recall_coordinator", width=768, height=1024)
    for route, ready, name in [
        (f"#/lot/{FAILED_LOT}", f"lot:{FAILED_LOT}", "tablet-lot-trace"),
        (f"#/lot/{RECALL_SOURCE}?tab=recall", f"lot:{RECALL_SOURCE}", "tablet-recall-scope"),
        ("#/enterprise/ENT-CN-RETAIL-03", "enterprise:ENT-CN-RETAIL-03", "tablet-enterprise"),
    ]:
        page = e.open(route, ready=ready)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 768, route
        e.screenshot(name)


def test_keyboard_reaches_the_views_and_the_lots(explorer):
    e = explorer("investigator")
    page = e.open(f"#/lot/{FAILED_LOT}?depth=2", ready=f"lot:{FAILED_LOT}")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.focus("table.nodes button[data-lot]")
    page.keyboard.press("Enter")  # a lot chosen from the list by keyboard shows its details
    assert page.locator("aside.detail h2").count() == 1


def test_with_an_identity_provider_the_page_signs_in_by_code_and_pkce(browser, service):
    """The page's side of the code flow: where the service names an issuer, "sign in" reads the provider's discovery
    document and goes to its authorization endpoint with a PKCE challenge (S256) for the explorer's client. The
    provider is played by the test (no Keycloak here): it answers the discovery document and records the redirect."""
    issuer = "http://127.0.0.1:9/realms/tracegraph"
    context = browser.new_context(bypass_csp=True)  # the running service names no issuer, so its policy would refuse
    try:
        page = context.new_page()
        config = httpx.get(f"{service['base']}/explore/config.json").json()
        page.route("**/explore/config.json", lambda route: route.fulfill(json={**config, "issuer": issuer}))
        discovery = {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/protocol/openid-connect/auth",
            "token_endpoint": f"{issuer}/protocol/openid-connect/token",
            "jwks_uri": f"{issuer}/protocol/openid-connect/certs",
        }
        page.route(f"{issuer}/.well-known/openid-configuration", lambda route: route.fulfill(json=discovery))
        asked: list[str] = []

        def authorize(route: Any) -> None:
            asked.append(route.request.url)
            route.fulfill(body="signed in elsewhere", content_type="text/plain")

        page.route(f"{issuer}/protocol/openid-connect/auth*", authorize)
        page.goto(f"{service['base']}/explore#/signin")
        page.wait_for_selector('main[data-ready="signin:"]')
        page.click("#oidc-sign-in")
        page.wait_for_function("() => document.body.innerText.includes('signed in elsewhere')")
    finally:
        context.close()
    (url,) = asked
    query = dict(httpx.URL(url).params)
    assert query["response_type"] == "code" and query["client_id"] == config["clientId"]
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["redirect_uri"] == f"{service['base']}/explore" and query["state"]
