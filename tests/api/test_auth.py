"""Bearer tokens over the real verification path: tokens signed by a local issuer whose discovery document and keys
are served over HTTP (tests/conftest.py ISSUER), verified by the app (api/auth.py) as it verifies a realm's."""

from __future__ import annotations

import base64
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from typer.testing import CliRunner

from api.auth import check_routes
from api.cli import cli
from api.local_issuer import LocalIssuer
from api.main import create_app
from graph.db import Graph
from graph.risk import recalls
from graph.settings import get_settings
from tests.conftest import (
    AUDIENCE,
    BASE,
    ISSUER,
    IssuerServer,
    asgi_client,
    auth_headers,
    batch,
    free_port,
    gql,
    load,
)

WHO = "{ creditEvents(first: 1) { endCursor } }"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post(client: httpx.AsyncClient, token: str | None, query: str = WHO) -> httpx.Response:
    headers = bearer(token) if token is not None else {}
    return await client.post("/graphql", json={"query": query}, headers=headers)


@pytest.fixture
async def anonymous(graph: Graph) -> Any:
    """A client of the app that sends no token of its own."""
    async with asgi_client(create_app(graph=graph), headers={}) as client:
        yield client


def refused(response: httpx.Response, fragment: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer ")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert fragment in error["message"], error["message"]


async def test_no_token_is_401_with_a_challenge_in_graphql_and_rest(anonymous):
    response = await post(anonymous, None)
    refused(response, "no bearer token")
    assert response.headers["www-authenticate"] == 'Bearer realm="tracegraph"'
    rest = await anonymous.get("/credit/events")
    assert rest.status_code == 401 and rest.headers["www-authenticate"].startswith("Bearer ")
    assert rest.json()["error"]["code"] == "UNAUTHENTICATED"
    basic = await anonymous.post("/graphql", json={"query": WHO}, headers={"Authorization": "Basic YTpi"})
    refused(basic, "not a bearer token")


async def test_a_valid_token_is_accepted_and_names_the_caller(anonymous):
    response = await post(anonymous, ISSUER.token("li", ["credit_platform"]))
    assert response.status_code == 200 and "errors" not in response.json(), response.text


async def test_public_routes_and_page_shells_need_no_token(anonymous):
    for path in ("/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json"):
        assert (await anonymous.get(path)).status_code == 200, path
    page = await anonymous.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<html" in page.text.lower()
    # A broken token on a public route is ignored, not refused: health checks do not carry one.
    assert (await anonymous.get("/healthz", headers=bearer("garbage"))).status_code == 200


async def test_an_expired_token_is_refused_but_the_clock_skew_is_allowed(anonymous):
    now = int(time.time())
    refused(await post(anonymous, ISSUER.token("li", ["admin"], ttl_s=60, now=now - 3600)), "expired")
    # Expired 10 s ago, within AUTH_CLOCK_SKEW_S (30): accepted.
    late = await post(anonymous, ISSUER.token("li", ["admin"], ttl_s=60, now=now - 70))
    assert late.status_code == 200, late.text
    early = ISSUER.token("li", ["admin"], nbf=now + 3600)
    refused(await post(anonymous, early), "not valid")


async def test_a_token_of_another_issuer_is_refused(anonymous):
    stranger = LocalIssuer("https://idp.example.org/realms/other", ISSUER.key_file, AUDIENCE)
    refused(await post(anonymous, stranger.token("li", ["admin"])), "issuer 'https://idp.example.org/realms/other'")


async def test_the_audience_is_the_client_id_in_aud_or_azp(anonymous):
    refused(await post(anonymous, ISSUER.token("li", ["admin"], aud="account", azp="explorer")), "not meant for")
    keycloak = ISSUER.token("li", ["admin"], aud=["account"], azp=AUDIENCE)  # Keycloak: the client in azp
    assert (await post(anonymous, keycloak)).status_code == 200
    listed = ISSUER.token("li", ["admin"], aud=["account", AUDIENCE], azp="explorer")
    assert (await post(anonymous, listed)).status_code == 200


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_bad_signature_none_and_hmac_are_refused(anonymous):
    header, payload, signature = _segments(ISSUER.token("li", ["admin"]))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = _b64({**claims, "realm_access": {"roles": ["admin", "credit_officer"]}})
    refused(await post(anonymous, f"{header}.{forged}.{signature}"), "not valid")
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    refused(await post(anonymous, f"{header}.{payload}.{flipped}"), "not valid")
    none = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    refused(await post(anonymous, none), "algorithm 'none'")
    # HS256 with the issuer's public key as the shared secret (the classic confusion attack).
    public = json.dumps(ISSUER.keys()[0].as_dict(private=False)).encode()
    kid = ISSUER.keys()[0].kid
    hmac = jwt.encode({"alg": "HS256", "kid": kid}, claims, OctKey.import_key(public), algorithms=["HS256"])
    refused(await post(anonymous, hmac), "algorithm 'HS256'")
    refused(await post(anonymous, "not-a-jwt"), "not a signed JWT")


@pytest.fixture
def rotating(graph: Graph) -> Iterator[tuple[LocalIssuer, IssuerServer]]:
    """An issuer of its own (its own keys and server), to rotate without disturbing the other tests."""
    issuer = LocalIssuer(f"http://127.0.0.1:{free_port()}/auth/local", Path(tempfile.mkdtemp()) / "keys.json", AUDIENCE)
    with IssuerServer(issuer) as server:
        yield issuer, server


def _app_for(graph: Graph, issuer: LocalIssuer, refresh_min_s: float) -> Any:
    settings = graph.settings.model_copy(
        update={"auth_issuers": [issuer.url], "auth_keys_refresh_min_s": refresh_min_s}
    )
    return create_app(settings, graph=graph)


async def test_an_unknown_kid_fetches_the_keys_again_so_a_rotated_key_is_accepted(graph, rotating):
    issuer, server = rotating
    async with asgi_client(_app_for(graph, issuer, refresh_min_s=0), headers={}) as client:
        assert (await post(client, issuer.token("li", ["admin"]))).status_code == 200
        stranger = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, auto_kid=True)
        refused(await post(client, issuer.token("li", ["admin"], key=stranger)), "does not publish")
        new = issuer.rotate()
        rotated = await post(client, issuer.token("li", ["admin"], key=new))
        assert rotated.status_code == 200, rotated.text
        assert (await post(client, issuer.token("li", ["admin"], key=issuer.keys()[1]))).status_code == 200
    assert server.paths.count("/auth/local/jwks") == 3  # first use, the stranger's kid, the rotated kid


async def test_a_flood_of_invented_kids_does_not_hammer_the_issuer(graph, rotating):
    issuer, server = rotating
    async with asgi_client(_app_for(graph, issuer, refresh_min_s=3600), headers={}) as client:
        assert (await post(client, issuer.token("li", ["admin"]))).status_code == 200
        for _ in range(5):
            invented = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, auto_kid=True)
            refused(await post(client, issuer.token("li", ["admin"], key=invented)), "does not publish")
    assert server.paths.count("/auth/local/jwks") == 1


async def test_unknown_roles_are_ignored_and_a_role_missing_is_403_naming_the_roles(anonymous):
    token = ISSUER.token("li", ["offline_access", "uma_authorization", "data_supplier"])
    response = await post(anonymous, token)
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "Query.creditEvents" in error["message"] and "credit_platform" in error["message"]
    rest = await anonymous.get("/credit/events", headers=bearer(token))
    assert rest.status_code == 403 and rest.json()["error"]["code"] == "FORBIDDEN"
    assert "credit_platform" in rest.json()["error"]["message"]


async def test_tracegraph_token_prints_a_token_the_app_accepts(anonymous, monkeypatch):
    monkeypatch.setenv("AUTH_LOCAL_ISSUER_URL", ISSUER.url)
    monkeypatch.setenv("AUTH_LOCAL_KEY_FILE", str(ISSUER.key_file))
    monkeypatch.setenv("AUTH_AUDIENCE", AUDIENCE)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["token", "--role", "credit_platform", "--sub", "platform-1", "--ttl", "5m"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    response = await post(anonymous, lines[0])
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    claims = json.loads(base64.urlsafe_b64decode(_segments(lines[0])[1] + "=="))
    assert claims["realm_access"] == {"roles": ["credit_platform"]} and claims["sub"] == "platform-1"
    assert claims["exp"] - claims["iat"] == 300
    bad = CliRunner().invoke(cli, ["token", "--role", "president", "--sub", "x"])
    assert bad.exit_code == 2 and "president" in bad.output


async def test_the_app_serves_the_local_issuer_when_it_is_on(graph, tmp_path):
    settings = graph.settings.model_copy(
        update={"auth_local_issuer": True, "auth_local_key_file": str(tmp_path / "keys.json")}
    )
    async with asgi_client(create_app(settings, graph=graph), headers={}) as client:
        discovery = (await client.get("/auth/local/.well-known/openid-configuration")).json()
        assert discovery["issuer"] == settings.auth_local_issuer_url
        assert discovery["jwks_uri"] == settings.auth_local_issuer_url + "/jwks"
        keys = (await client.get("/auth/local/jwks")).json()["keys"]
        assert [k["kty"] for k in keys] == ["RSA"] and all("d" not in k for k in keys)  # no private part
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0  # the private key: owner only


def test_the_app_refuses_to_start_with_a_route_without_a_rule(graph):
    app = create_app(graph=graph)

    @app.get("/unruled")
    async def unruled() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="GET /unruled"):
        check_routes(app)


async def test_a_decision_is_signed_by_the_caller_and_by_must_name_it(client, db):
    await gql(client, "{ __typename }")  # warm
    mutation = "mutation($by: String!) { openDowngradeReviews(by: $by) { opened { id } } }"
    officer = auth_headers("officer-1", "credit_officer")
    body = await gql(client, mutation, headers=officer, by="officer-2")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN" and "officer-1" in error["message"]
    assert "errors" not in await gql(client, mutation, headers=officer, by="officer-1")


async def test_decisions_in_the_graph_carry_the_token_subject(client, db):
    await load(db, *BASE, batch("B1"))
    coordinator = auth_headers("coordinator-wu", "recall_coordinator")
    opened = await gql(client, 'mutation { openRecall(batchIds: ["B1"], recallClass: II) { id } }', coordinator)
    recall_id = opened["data"]["openRecall"]["id"]
    await gql(client, f'mutation {{ closeRecall(id: "{recall_id}", reason: "done") {{ id }} }}', coordinator)
    [stored] = await recalls.by_ids(db, [recall_id])
    assert stored is not None and (stored.opened_by, stored.closed_by) == ("coordinator-wu", "coordinator-wu")


async def test_a_refusal_quoting_the_token_is_a_clean_401(anonymous):
    # The challenge header quotes the refusal, which quotes the token's issuer: not Latin-1, no line breaks.
    response = await post(anonymous, ISSUER.token("li", ["admin"], iss='http://例子.cn/"\r\nX-Injected: 1'))
    refused(response, "is not accepted")
    assert "x-injected" not in response.headers
    assert response.headers["www-authenticate"].isascii()
