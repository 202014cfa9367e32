"""GraphQL over HTTP: what a request body may be, and what the client hears when it is not (never a 500).

Lone UTF-16 surrogates ("\\ud800" in JSON) cannot be packed for Neo4j nor encoded as UTF-8: they are refused as
BAD_USER_INPUT naming the variable, before any operation runs."""

import json
from typing import Any

import httpx
import pytest
from graphql import get_named_type, is_composite_type

from api.gql.schema import build_schema
from graph.settings import Settings
from tests.conftest import BASE, enterprise, gql, load

JSON = {"content-type": "application/json"}
IMPORT = "mutation($l: String!) { importRecords(ndjson: $l) { ok } }"


async def post_raw(client: httpx.AsyncClient, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return await client.post("/graphql", content=body, headers=JSON if headers is None else headers)


def body_of(query: str, variables: dict[str, Any] | None = None, **extra: Any) -> bytes:
    # ensure_ascii: a lone surrogate travels as the JSON escape "\ud800", as a client would send it.
    return json.dumps({"query": query, "variables": variables, **extra}, ensure_ascii=True).encode()


def request_error(response: httpx.Response) -> str:
    """A refused request: 400, a GraphQL-shaped JSON body, code BAD_REQUEST; its message."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    return error["message"]


async def test_a_gbk_body_is_400_naming_the_first_bad_byte(client):
    ndjson = json.dumps({"type": "enterprise", "id": "E1", "name": "河南食品"}, ensure_ascii=False)
    prefix = b'{"query":' + json.dumps(IMPORT).encode() + b',"variables":{"l":'
    body = prefix + json.dumps(ndjson, ensure_ascii=False).encode("gbk") + b"}}"
    message = request_error(await post_raw(client, body))
    offset = body.index("河".encode("gbk"))
    assert "UTF-8" in message and f"offset {offset}" in message
    assert f"0x{body[offset]:02x}" in message


async def test_utf8_encoded_surrogates_are_not_utf8(client):
    # CESU-8 / "WTF-8" bytes ED A0 80: json.loads(bytes) alone would accept them as a lone surrogate.
    body = b'{"query":"query($id: ID!) { enterprise(id: $id) { id } }","variables":{"id":"\xed\xa0\x80"}}'
    assert "UTF-8" in request_error(await post_raw(client, body))


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"null", "JSON object"),
        (b'"{ __typename }"', "JSON object"),
        (b"42", "JSON object"),
        (b"[]", "JSON object"),
        (b'[{"query": "{ __typename }"}]', "JSON object"),
        (b'{"query": "{ __typename }"', "not JSON"),
        (b"", "not JSON"),
        (b"query { __typename }", "not JSON"),
        (b'{"query": "{ __typename }", "variables": {"n": NaN}}', "NaN"),
        (b'{"query": "{ __typename }", "variables": {"n": ' + b"1" * 5000 + b"}}", "not JSON"),
        (b'{"query": "{ __typename }", "variables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep"),
        (b'{"query": 1}', "query"),
        (b'{"query": "{ __typename }", "variables": [1]}', "variables"),
        (b'{"query": "{ __typename }", "operationName": 3}', "operationName"),
        (b"{}", "query"),
    ],
)
async def test_a_body_that_is_not_a_graphql_request_is_400_saying_why(client, body, named):
    assert named in request_error(await post_raw(client, body))


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_post_that_is_not_json_is_400_naming_the_content_type(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    message = request_error(await post_raw(client, b'{"query": "{ __typename }"}', headers))
    assert "application/json" in message


async def test_a_charset_parameter_and_a_bom_are_accepted(client):
    headers = {"content-type": "application/json; charset=utf-8"}
    response = await post_raw(client, "\ufeff".encode() + body_of("{ __typename }"), headers)
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}


SIGNAL = {
    "id": "SIG-1",
    "source": "OVERSEAS_NOTIFICATION",
    "hazard": "BIOLOGICAL",
    "severity": 4,
    "probability": 0.5,
    "receivedAt": "2026-03-09",
    "subjectEnterprise": "M",
}

# Operations that, given a lone surrogate, reached the driver (or an encoder) and failed as an internal error.
SURROGATE_CASES = [
    ("query($id: ID!) { enterprise(id: $id) { id } }", {"id": "E\ud800"}, "$id"),
    ("query($b: [ID!]!) { recallScope(batchIds: $b) { sources { id } } }", {"b": ["A", "\udc00"]}, "$b[1]"),
    (
        IMPORT,
        {"l": '{"type":"enterprise","id":"E1","name":"a"}\n{"type":"enterprise","id":"E2","name":"b\ud800"}'},
        "$l",
    ),
    (
        "mutation($e: ID!, $r: String!) { setCreditGrade(enterpriseId: $e, grade: CERTIFIED, reason: $r, "
        'by: "test-admin") { event { seq } } }',
        {"e": "M", "r": "audited \udfff"},
        "$r",
    ),
    (
        "mutation($i: RiskSignalInput!) { reportSignal(input: $i) { id } }",
        {"i": SIGNAL | {"description": "RASFF \ud83d"}},
        "$i.description",
    ),
    ("query($id: ID!) { enterprise(id: $id) { id } }", {"id": "M", "\ud800": 1}, "variable name"),
]


@pytest.mark.parametrize(("query", "variables", "named"), SURROGATE_CASES)
async def test_a_lone_surrogate_in_a_variable_is_bad_user_input_naming_it(client, db, query, variables, named):
    await load(db, *BASE)
    response = await post_raw(client, body_of(query, variables))
    assert response.status_code == 200, response.text
    body = response.json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert named in error["message"] and "surrogate" in error["message"]
    assert body.get("data") is None  # nothing ran


async def test_the_line_of_an_import_with_a_lone_surrogate_is_named(client, db):
    lines = '{"type":"enterprise","id":"E1","name":"a"}\n{"type":"enterprise","id":"E2","name":"b\ud800"}'
    response = await post_raw(client, body_of(IMPORT, {"l": lines}))
    assert "line 2" in response.json()["errors"][0]["message"]


async def test_nothing_is_written_when_a_variable_holds_a_lone_surrogate(client, db):
    ndjson = json.dumps(enterprise("E1")) + "\n" + json.dumps(enterprise("E2", name="\ud800"))
    await post_raw(client, body_of(IMPORT, {"l": ndjson}))
    body = await gql(client, '{ enterprise(id: "E1") { id } }')
    assert body == {"data": {"enterprise": None}}


async def test_a_lone_surrogate_in_the_operation_name_is_bad_user_input(client):
    response = await post_raw(client, body_of("query Q { __typename }", None, operationName="Q\ud800"))
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "operationName" in error["message"]


async def test_a_lone_surrogate_in_a_get_variable_is_bad_user_input(client):
    params = {"query": "query($id: ID!) { enterprise(id: $id) { id } }", "variables": '{"id": "\\ud800"}'}
    response = await client.get("/graphql", params=params, headers={"accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "query",
    [
        '{ enterprise(id: "\\ud800") { id } }',  # a GraphQL escape
        '{ enterprise(id: "\ud800") { id } }',  # the character itself, as the JSON escape carries it
        'mutation { importRecords(ndjson: """\ud800""") { ok } }',
    ],
)
async def test_a_lone_surrogate_in_a_literal_is_a_syntax_error_at_its_position(client, query):
    response = await post_raw(client, body_of(query))
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and error["locations"]


async def test_a_surrogate_pair_is_an_ordinary_character(client, db):
    response = await post_raw(client, body_of("query($id: ID!) { enterprise(id: $id) { id } }", {"id": "E\U0001f600"}))
    assert response.json() == {"data": {"enterprise": None}}


def _string_arguments() -> list[tuple[str, str, str, str, str]]:
    """(operation type, field, argument, its type, a selection) of every root-field argument that takes text."""
    schema = build_schema(Settings())._schema
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                if get_named_type(arg.type).name in ("String", "ID"):
                    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
                    found.append((kind, name, arg_name, str(arg.type), selection))
    return found


@pytest.mark.parametrize(("kind", "field", "argument", "type_", "selection"), _string_arguments())
async def test_every_text_argument_of_every_operation_refuses_a_lone_surrogate(
    client, kind, field, argument, type_, selection
):
    value: Any = ["\ud800"] if type_.startswith("[") else "\ud800"
    query = f"{kind}($v: {type_}) {{ {field}({argument}: $v){selection} }}"
    response = await post_raw(client, body_of(query, {"v": value}))
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "$v" in error["message"]
