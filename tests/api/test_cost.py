"""The query cost limit (GRAPHQL_MAX_COST): lists multiply, and a query that may answer too many objects is refused
before anything runs (issue 9 item 3)."""

import ast
import re
from pathlib import Path

import pytest
from graphql import get_introspection_query, parse, validate

from api.gql.cost import query_cost
from api.gql.schema import build_schema
from api.main import create_app
from graph.settings import Settings
from tests.conftest import BASE, asgi_client, batch, enterprise, gql, load, shipment

ROOT = Path(__file__).resolve().parents[2]
BUDGET = Settings.model_fields["graphql_max_cost"].default

# The attack of issue 9: 51 MB in 86 s at 2.7 GB RSS on data set S, and /healthz gone with four aliases.
FAN_OUT = """{ enterprise(id: "M") { shipmentsOut(first: 1000) { batch { shipments(first: 1000) { to {
  shipmentsIn(first: 1000) { batch { shipments(first: 1000) { id quantity } } } } } } } } }"""

# Two nested full pages: at most 1000 + 1000 + 1000 * 1000 objects, within the budget on its own.
TWO_PAGES = "shipmentsOut(first: 1000) { batch { shipments(first: 1000) { id } } }"

DATA = (*BASE, enterprise("R", roles=["RETAILER"]), batch("B"), shipment("S1", "B", "R"), shipment("S2", "B", "R"))


def refused(body: dict) -> str:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    return error["message"]


@pytest.fixture
async def api(client, db):
    await load(db, *DATA)
    return client


async def test_the_issue_query_is_refused_with_its_cost_the_budget_and_the_lists_that_multiply(api):
    message = refused(await gql(api, FAN_OUT))
    # 1 enterprise, 1000 shipments and their lots, 10^6 shipments and receivers, 10^9 shipments and lots, 10^12
    assert message.startswith(f"query cost 1002002002001 exceeds the budget of {BUDGET} (GRAPHQL_MAX_COST)")
    assert "enterprise.shipmentsOut.batch.shipments.to.shipmentsIn.batch.shipments alone may be resolved " in message
    assert (
        "1000000000000 times (shipmentsOut(first: 1000) × shipments(first: 1000) × shipmentsIn(first: 1000)" in message
    )
    assert message.endswith(
        "the largest factor is shipmentsOut(first: 1000); ask for smaller pages (first) or fewer nested lists"
    )


async def test_lists_without_first_are_charged_their_default_page(api):
    query = FAN_OUT.replace("(first: 1000)", "")
    message = refused(await gql(api, query))
    assert "query cost 102020201 exceeds" in message  # 100 per list
    assert "shipmentsOut (default 100) × shipments (default 100)" in message


async def test_a_refused_mutation_writes_nothing(api):
    mutation = f"""mutation {{ setCreditGrade(enterpriseId: "M", grade: CERTIFIED, reason: "audit", by: "test-admin") {{
        enterprise {{ a: {TWO_PAGES} b: {TWO_PAGES} }} }} }}"""
    refused(await gql(api, mutation))
    body = await gql(api, '{ enterprise(id: "M") { creditGrade creditHistory { seq } } }')
    assert body["data"]["enterprise"] == {"creditGrade": "REGULAR", "creditHistory": []}


async def test_each_alias_counts(api):
    one = await gql(api, f'{{ enterprise(id: "M") {{ {TWO_PAGES} }} }}')
    assert "errors" not in one
    assert [s["id"] for s in one["data"]["enterprise"]["shipmentsOut"][0]["batch"]["shipments"]] == ["S1", "S2"]

    message = refused(await gql(api, f'{{ enterprise(id: "M") {{ a: {TWO_PAGES} b: {TWO_PAGES} }} }}'))
    assert "query cost 2004001 exceeds" in message  # the enterprise, and twice 1000 shipments, their lots, 10^6


async def test_fragments_count_where_they_are_spread(api):
    named = """{ enterprise(id: "M") { shipmentsOut(first: 1000) { ...Lot } again: shipmentsOut(first: 1000) {
      ...Lot } } } fragment Lot on Shipment { batch { shipments(first: 1000) { id } } }"""
    assert "query cost 2004001 exceeds" in refused(await gql(api, named))

    inline = """{ enterprise(id: "M") { ... on Enterprise { a: shipmentsOut(first: 1000) { batch {
      shipments(first: 1000) { id } } } } ...More } } fragment More on Enterprise {
      b: shipmentsOut(first: 1000) { ... on Shipment { batch { shipments(first: 1000) { id } } } } }"""
    assert "query cost 2004001 exceeds" in refused(await gql(api, inline))


async def test_first_given_by_a_variable_is_honoured(api):
    query = """query($n: Int!) { enterprise(id: "M") { shipmentsOut(first: $n) { batch { shipments(first: $n) {
      to { shipmentsIn(first: $n) { id } } } } } } }"""
    assert "query cost 1002002001 exceeds" in refused(await gql(api, query, n=1000))
    small = await gql(api, query, n=10)
    assert "errors" not in small
    assert small["data"]["enterprise"]["shipmentsOut"][0]["batch"]["shipments"][0]["to"]["shipmentsIn"] == [
        {"id": "S1"},
        {"id": "S2"},
    ]
    with_default = query.replace("$n: Int!", "$n: Int! = 1000")
    assert "query cost 1002002001 exceeds" in refused(await gql(api, with_default))


async def test_the_budget_is_a_setting(db):
    await load(db, *DATA)
    app = create_app(db.settings.model_copy(update={"graphql_max_cost": 10}), graph=db)
    async with asgi_client(app) as client:
        message = refused(await gql(client, '{ enterprise(id: "M") { shipmentsOut(first: 10) { id } } }'))
        assert message.startswith("query cost 11 exceeds the budget of 10 (GRAPHQL_MAX_COST)")
        body = await gql(client, '{ enterprise(id: "M") { shipmentsOut(first: 9) { id } } }')
        assert body["data"]["enterprise"]["shipmentsOut"] == [{"id": "S1"}, {"id": "S2"}]


def inputs_walk(levels: int) -> str:
    selection = "id"
    for _ in range(levels):
        selection = f"id inputs {{ quantity batch {{ {selection} }} }}"
    return f'{{ batch(id: "T8") {{ {selection} }} }}'


async def test_a_walk_of_inputs_through_all_eight_tiers_is_allowed(db, client):
    """Neither the cost nor the depth limit (GRAPHQL_MAX_DEPTH, default settings) refuses the generator's 8 tiers."""
    tiers = [batch("T0")] + [batch(f"T{i}", [(f"T{i - 1}", 1)]) for i in range(1, 9)]
    await load(db, *BASE, *tiers)
    body = await gql(client, inputs_walk(8))
    assert "errors" not in body, body
    level = body["data"]["batch"]
    for _ in range(8):
        [use] = level["inputs"]
        level = use["batch"]
    assert level == {"id": "T0"}


SCHEMA = build_schema(Settings())._schema


def documents() -> list[tuple[str, str]]:
    """Every complete GraphQL document written out in tests/api (but these refusals) and in the README (f-string
    holes filled with 1)."""
    found = []
    for path in sorted((ROOT / "tests" / "api").glob("*.py")):
        if path.name.startswith("test_cost"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "1" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if re.match(r"\s*(\{|query\b|mutation\b)", text):
                found.append((f"{path.name}:{node.lineno}", text))
    for i, block in enumerate(re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)):
        found.append((f"README.md block {i + 1}", block))
    return found


def test_the_suite_and_readme_queries_are_within_the_budget():
    costs = {}
    for where, text in documents():
        try:
            document = parse(text)
        except Exception:  # a fragment of a query assembled elsewhere
            continue
        if not validate(SCHEMA, document):
            cost = query_cost(SCHEMA, document)
            if cost is not None:
                costs[where] = cost.total
    assert len(costs) >= 30  # the scan finds the queries
    assert any(w.startswith("README") for w in costs)
    over = {w: c for w, c in costs.items() if c > BUDGET / 10}  # a margin of ten for queries like these
    assert over == {}
    assert query_cost(SCHEMA, parse(FAN_OUT)).total > BUDGET


def test_introspection_is_free():
    # GraphiQL sends this on every page load; its nested lists walk the schema, not the graph.
    assert query_cost(SCHEMA, parse(get_introspection_query())).total == 0


def test_a_fragment_cycle_is_left_to_validation():
    document = parse('{ batch(id: "B") { ...Up } } fragment Up on Batch { inputs { batch { ...Up } } }')
    assert validate(SCHEMA, document)  # NoFragmentCycles refuses it
    assert query_cost(SCHEMA, document).total == 1 + 4 * (1 + 1)  # batch, 4 inputs and their lots, then no more


def test_a_fragment_spread_many_times_is_costed_once():
    # Twenty fragments each spreading the next twice: 2^20 expansions, costed in linear time.
    fragments = [
        f"fragment F{i} on Batch {{ id product {{ id }} a: producer {{ id }} b: inputs(first: 1) {{ batch {{ "
        f"...F{i + 1} }} }} c: inputs(first: 1) {{ batch {{ ...F{i + 1} }} }} }}"
        for i in range(20)
    ]
    fragments.append("fragment F20 on Batch { id }")
    document = parse('{ batch(id: "B") { ...F0 } } ' + " ".join(fragments))
    assert query_cost(SCHEMA, document).total > 2**20


@pytest.mark.parametrize(
    ("document", "who"),
    [(inputs_walk(12), "the query"), ("query Deep " + inputs_walk(12), "operation 'Deep'")],
)
async def test_a_query_too_deep_names_the_operation_and_the_setting(client, document, who):
    body = await gql(client, document)
    deep = [e for e in body["errors"] if "GRAPHQL_MAX_DEPTH" in e["message"]]  # (its cost is refused too)
    assert [(e["extensions"]["code"], e["message"]) for e in deep] == [
        (
            "GRAPHQL_VALIDATION_FAILED",
            f"{who} is nested deeper than 24 levels (GRAPHQL_MAX_DEPTH); ask for fewer nested levels",
        )
    ]


def test_a_navigation_page_is_charged_its_first():
    # issue 11 item 8: `<list>Page(first, after)` answers a page whose items are as long as its first
    document = parse(
        '{ enterprise(id: "M") { shipmentsOutPage(first: 1000) { items { batch { '
        "shipmentsPage(first: 1000) { items { to { tiesPage(first: 1000) { items { kind } } } } } } } } } }"
    )
    cost = query_cost(SCHEMA, document)
    assert cost is not None and cost.heaviest_count == 1000**3
    default = parse('{ enterprise(id: "M") { peoplePage { items { personId } } holdingsPage { items { share } } } }')
    assert query_cost(SCHEMA, default).total == 1 + (1 + 100) + (1 + 100)  # each page's items at its default 100
