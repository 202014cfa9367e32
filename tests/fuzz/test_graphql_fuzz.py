"""The GraphQL API under inputs nobody thought of, against the real app and Neo4j: never a 5xx, and every error
carries extensions.code.

1. Arguments of the traversals and searches (traceBack, recallScope, contagion, search*), drawn by hypothesis:
   known ids and arbitrary text, depths and page sizes in and far out of range, cursors that are not cursors.
2. Whole operations drawn from the schema (hypothesis-graphql): every root field, queries and mutations, with
   arguments of every type the schema allows."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import httpx
import pytest
from graphql import build_schema
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from tests.conftest import BASE, ROOT, batch, enterprise, load, shipment

SDL = (ROOT / "tests" / "api" / "schema.graphql").read_text()
SCHEMA = build_schema(SDL)
DATA = (*BASE, enterprise("E2"), batch("B1"), batch("B2", inputs=[("B1", 1)]), shipment("S1", "B1", "E2"))
KNOWN_IDS = ["M", "E2", "P1", "B1", "B2", "S1"]

IDS = st.sampled_from(KNOWN_IDS) | st.text(max_size=40)
INTS = st.integers(min_value=-5, max_value=60) | st.integers(min_value=-(2**31), max_value=2**31 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=32) | st.sampled_from([0.0, 1.0, -0.1, 1.1])
CURSORS = st.none() | st.text(max_size=30) | st.sampled_from(["", "MA==", "bnVsbA==", "x" * 200])
DATES = st.none() | st.text(max_size=25) | st.dates().map(str) | st.datetimes(timezones=st.just(UTC)).map(str)

# Each field with a query selecting a little of its answer, and a strategy for its variables.
OPERATIONS: dict[str, tuple[str, st.SearchStrategy[dict[str, Any]]]] = {
    "traceBack": (
        "query($b: ID!, $d: Int!) { traceBack(batchId: $b, maxDepth: $d) { batches { depth batch { id } } } }",
        st.fixed_dictionaries({"b": IDS, "d": INTS}),
    ),
    "recallScope": (
        "query($b: [ID!]!, $d: Int!) { recallScope(batchIds: $b, maxDepth: $d) { batches { batch { id } } } }",
        st.fixed_dictionaries({"b": st.lists(IDS, max_size=5), "d": INTS}),
    ),
    "contagion": (
        "query($s: [ID!], $h: Int!, $m: Float!) { contagion(sourceIds: $s, maxHops: $h, minScore: $m) { score } }",
        st.fixed_dictionaries({"s": st.none() | st.lists(IDS, max_size=4), "h": INTS, "m": FLOATS}),
    ),
    "searchEnterprises": (
        "query($t: String!, $f: Int!, $a: String) { searchEnterprises(text: $t, first: $f, after: $a) "
        "{ nodes { id } pageInfo { endCursor } } }",
        st.fixed_dictionaries({"t": st.text(max_size=30), "f": INTS, "a": CURSORS}),
    ),
    "searchPersons": (
        "query($t: String!, $f: Int!, $a: String) { searchPersons(text: $t, first: $f, after: $a) { nodes { id } } }",
        st.fixed_dictionaries({"t": st.text(max_size=30), "f": INTS, "a": CURSORS}),
    ),
    "searchBatches": (
        "query($p: ID, $m: ID, $from: String, $to: String, $f: Int!, $a: String) { searchBatches(productId: $p, "
        "producerId: $m, producedFrom: $from, producedTo: $to, first: $f, after: $a) { nodes { id } } }",
        st.fixed_dictionaries(
            {"p": st.none() | IDS, "m": st.none() | IDS, "from": DATES, "to": DATES, "f": INTS, "a": CURSORS}
        ),
    ),
    "searchShipments": (
        "query($d: String!, $f: Int!, $a: String) { searchShipments(declaration: $d, first: $f, after: $a) "
        "{ nodes { id } } }",
        st.fixed_dictionaries({"d": st.text(max_size=30), "f": INTS, "a": CURSORS}),
    ),
}


def assert_answered_with_codes(response: httpx.Response, sent: object) -> None:
    assert response.status_code < 500, (sent, response.status_code, response.text[:2000])
    body = response.json()
    for error in body.get("errors") or []:
        assert (error.get("extensions") or {}).get("code"), (sent, error)


@pytest.fixture
async def data(db):
    await load(db, *DATA)
    return db


@settings(max_examples=25)
@given(st.sampled_from(sorted(OPERATIONS)).flatmap(lambda f: st.tuples(st.just(f), OPERATIONS[f][1])))
async def test_traversal_and_search_arguments_never_5xx_and_errors_have_codes(client, data, drawn):
    field, variables = drawn
    response = await client.post("/graphql", json={"query": OPERATIONS[field][0], "variables": variables})
    assert_answered_with_codes(response, (field, variables))
    assert response.json().get("data") is not None or response.json().get("errors")


SCALARS = {
    "DateTime": (st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()) | st.text(max_size=20)).map(
        nodes.String
    ),
    "JSON": st.text(max_size=20).map(nodes.String) | st.integers().map(nodes.Int),
}
QUERIES = sorted(SCHEMA.query_type.fields)  # type: ignore[union-attr]
MUTATIONS = sorted(SCHEMA.mutation_type.fields)  # type: ignore[union-attr]


@settings(max_examples=60)
@given(from_schema(SCHEMA, fields=QUERIES, custom_scalars=SCALARS))
async def test_any_query_the_schema_allows_never_5xx_and_errors_have_codes(client, data, query):
    response = await client.post("/graphql", json={"query": query})
    assert_answered_with_codes(response, query)


@settings(max_examples=40)
@given(from_schema(SCHEMA, fields=MUTATIONS, custom_scalars=SCALARS))
async def test_any_mutation_the_schema_allows_never_5xx_and_errors_have_codes(client, data, mutation):
    response = await client.post("/graphql", json={"query": mutation})
    assert_answered_with_codes(response, mutation)
