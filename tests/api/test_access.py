"""The one table of access rules (api/access.py) covers the whole service, and every rule holds for every role:
each GraphQL operation and each field of the built schema has a rule, and each route of the app; the table names
nothing that does not exist; and a call with each role is refused exactly when the rule leaves that role out."""

from __future__ import annotations

from collections import deque
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type, parse

from api.access import FIELDS, OPERATIONS, ROUTES, Rule
from api.auth import covering_key, declared_routes
from api.gql.guard import refusals
from api.gql.schema import build_schema
from api.main import create_app
from graph.db import Graph
from graph.identity import Principal, Role
from graph.settings import Settings
from tests.conftest import asgi_client, auth_headers, gql

ALL_ROLES = list(Role)
SCHEMA = build_schema(Settings())._schema
ROOTS = ("Query", "Mutation")


def object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and name not in ROOTS
    }


def schema_operations() -> set[str]:
    return {f"{root}.{name}" for root in ROOTS for name in SCHEMA.get_type(root).fields}  # type: ignore[union-attr]


def schema_fields() -> set[str]:
    return {f"{name}.{field}" for name, t in object_types().items() for field in t.fields}


def test_every_operation_has_a_rule_and_every_rule_an_operation():
    assert sorted(schema_operations() - set(OPERATIONS)) == [], "operations without a rule in OPERATIONS"
    assert sorted(set(OPERATIONS) - schema_operations()) == [], "OPERATIONS names operations the schema lacks"


def test_every_field_of_every_type_has_a_rule_and_every_rule_a_field():
    assert sorted(schema_fields() - set(FIELDS)) == [], "fields without a rule in FIELDS"
    assert sorted(set(FIELDS) - schema_fields()) == [], "FIELDS names fields the schema lacks"


def app_routes(graph: Graph) -> list[tuple[str, bool]]:
    settings = graph.settings.model_copy(update={"auth_local_issuer": True})  # its mount, too
    return list(declared_routes(create_app(settings, graph=graph)))


def test_every_route_has_a_rule_and_every_rule_a_route(graph):
    routes = app_routes(graph)
    covered = {covering_key(key) for key, _ in routes}
    assert sorted(key for key, _ in routes if covering_key(key) is None) == [], "routes without a rule in ROUTES"
    assert sorted(set(ROUTES) - covered) == [], "ROUTES names routes the app lacks"


def test_the_sensitive_fields_are_for_the_regulators_only():
    regulators = {Role.INVESTIGATOR, Role.RECALL_COORDINATOR, Role.RISK_OFFICER, Role.CREDIT_OFFICER, Role.ADMIN}
    for key in (
        "Enterprise.people",
        "Enterprise.owners",
        "Enterprise.holdings",
        "Person.name",
        "Batch.quantity",
        "Shipment.quantity",
        "Shipment.to",
        "RecallScope.consignees",
        "Recall.consignees",
        "CreditEvent.evidence",
        "DowngradeReview.evidence",
        "Exposure.evidence",
    ):
        assert FIELDS[key].roles == regulators, key
    for key in ("Enterprise.people", "Person.name", "RecallScope.consignees", "CreditEvent.evidence"):
        assert FIELDS[key].audited or key == "Person.name", key


# --- every rule of OPERATIONS, for every role, through HTTP -------------------------------------------------------


def probe(key: str) -> str:
    """A document that names the operation and resolves nothing (@skip): whatever else validation says about
    it (missing arguments), the access rule is judged on it."""
    root, name = key.split(".")
    definition = SCHEMA.get_type(root).fields[name]  # type: ignore[union-attr]
    selection = (
        ""
        if get_named_type(definition.type).name in ("String", "Boolean", "Int", "Float", "ID")
        else (" { __typename }")
    )
    kind = "query" if root == "Query" else "mutation"
    return f"{kind} {{ {name} @skip(if: true){selection} }}"


@pytest.fixture(scope="module")
async def caller(graph: Graph) -> Any:
    async with asgi_client(create_app(graph=graph), headers={}) as client:
        yield client


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
@pytest.mark.parametrize("key", sorted(OPERATIONS))
async def test_each_operation_answers_exactly_its_roles(caller: httpx.AsyncClient, key: str, role: Role):
    body = await gql(caller, probe(key), headers=auth_headers(f"user-{role}", role))
    rule = OPERATIONS[key]
    if role in rule.roles:
        assert "FORBIDDEN" not in codes(body), body
    else:
        forbidden = [e for e in body["errors"] if e["extensions"]["code"] == "FORBIDDEN"]
        assert len(forbidden) == 1, body
        assert forbidden[0]["extensions"]["field"] == key
        assert all(r in forbidden[0]["message"] for r in sorted(rule.roles)), forbidden[0]["message"]


# --- every rule of FIELDS, for every role, through the guard ------------------------------------------------------


def paths_to_types() -> dict[str, tuple[str, list[str]]]:
    """For each object type, a shortest way to reach it from Query (else Mutation): the operation kind, then the
    fields from the root to it."""
    found: dict[str, tuple[str, list[str]]] = {}
    queue: deque[tuple[str, str, list[str]]] = deque()
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        for name, definition in root.fields.items():  # type: ignore[union-attr]
            queue.append((get_named_type(definition.type).name, kind, [name]))
    while queue:
        type_name, kind, path = queue.popleft()
        if type_name in found or type_name not in object_types():
            continue
        found[type_name] = (kind, path)
        for field, definition in object_types()[type_name].fields.items():
            queue.append((get_named_type(definition.type).name, kind, [*path, field]))
    return found


PATHS = paths_to_types()


def field_document(key: str) -> str:
    type_name, field = key.split(".")
    kind, path = PATHS[type_name]
    leaf = get_named_type(object_types()[type_name].fields[field].type)
    text = field + (" { __typename }" if isinstance(leaf, GraphQLObjectType) else "")
    for step in reversed(path):
        text = f"{step} {{ {text} }}"
    return f"{kind} {{ {text} }}"


def refused_fields(document: str, role: Role) -> set[str]:
    parsed = parse(document)
    operation = parsed.definitions[0]
    principal = Principal(subject="x", roles=frozenset({role}))
    return {e.extensions["field"] for e in refusals(SCHEMA, operation, {}, principal)}  # type: ignore[arg-type, index]


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_each_field_is_refused_exactly_to_the_roles_its_rule_leaves_out(key: str):
    assert key.split(".")[0] in PATHS, f"{key}: its type cannot be reached from Query or Mutation"
    document = field_document(key)
    for role in ALL_ROLES:
        assert (key in refused_fields(document, role)) is (role not in FIELDS[key].roles), (key, role)


async def test_the_credit_platform_reads_the_feed_but_not_an_enterprises_people(caller: httpx.AsyncClient):
    platform = auth_headers("platform", Role.CREDIT_PLATFORM)
    body = await gql(caller, "{ creditEvents(first: 5) { events { seq enterprise { name uscc } } } }", platform)
    assert "errors" not in body, body
    body = await gql(caller, "{ creditEvents(first: 5) { events { enterprise { people { name } } } } }", platform)
    assert body["data"] is None
    refused = {e["extensions"]["field"]: e for e in body["errors"]}
    assert set(refused) == {"Enterprise.people", "PersonRole.name"}
    error = refused["Enterprise.people"]
    assert error["extensions"]["code"] == "FORBIDDEN" and error["locations"]
    assert "investigator" in error["message"] and "credit_platform" not in error["message"]
    fragment = "query { creditEvents { events { ...E } } } fragment E on CreditEvent { evidence }"
    body = await gql(caller, fragment, platform)
    assert [e["extensions"]["field"] for e in body["errors"]] == ["CreditEvent.evidence"]


# --- every rule of ROUTES, for every role, through HTTP -----------------------------------------------------------


def concrete(key: str) -> tuple[str, str]:
    method, template = key.split(" ", 1)
    path = (
        template.replace("{extension}", "csv")
        .replace("{recall_id}", "RC-NONE")
        .replace("{job_id}", "nojob")
        .replace("{path}", "favicon.svg")
        .replace("/static/favicon.svg", "/static/web/favicon.svg")
        .replace("/auth/local/favicon.svg", "/auth/local/jwks")
    )
    return method, path


@pytest.mark.parametrize("key", sorted(ROUTES))
async def test_each_route_answers_exactly_its_roles(graph: Graph, key: str):
    rule: Rule | None = ROUTES[key]
    method, path = concrete(key)
    settings = graph.settings.model_copy(update={"auth_local_issuer": True})
    async with asgi_client(create_app(settings, graph=graph), headers={}) as client:
        unauthenticated = await client.request(method, path, content=b"" if method == "POST" else None)
        if rule is None:
            assert unauthenticated.status_code not in (401, 403), (key, unauthenticated.text)
            return
        assert unauthenticated.status_code == 401, (key, unauthenticated.text)
        for role in ALL_ROLES:
            response = await client.request(
                method, path, headers=auth_headers(f"user-{role}", role), content=b"" if method == "POST" else None
            )
            if role in rule.roles:
                assert response.status_code not in (401, 403), (key, role, response.text)
            else:
                assert response.status_code == 403, (key, role, response.text)
                assert response.json()["error"]["code"] == "FORBIDDEN"
