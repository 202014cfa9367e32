"""The development identity provider: the realm file (always) and a real Keycloak's tokens (KEYCLOAK_TESTS=1).

The realm file is checked on every run: every role of graph/identity.py, one demo user per role, the explorer's
client public with PKCE S256 and loopback redirects only, the audience the API expects, the supplier's enterprises.
With KEYCLOAK_TESTS=1 (a first start takes minutes, so CI does not run these by default) a local Keycloak started
by ops/keycloak_local.py (or the one already running in this worktree) issues each demo user a token through the
explorer's real authorization code + PKCE flow and the credit platform one by client credentials, and the claims
the API reads are checked: iss, aud, sub, realm_access.roles, tracegraph_enterprises.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import socket
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from graph.identity import Role
from seed.demo_scenario import ENTERPRISES
from tests.conftest import ROOT


def _keycloak_ops():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("keycloak_local", ROOT / "ops" / "keycloak_local.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


ops = _keycloak_ops()
REALM = json.loads(ops.REALM_FILE.read_text())
PEOPLE = [u for u in REALM["users"] if "serviceAccountClientId" not in u]
SUPPLIER_ENTERPRISES = ["ENT-CN-IFM-01", "ENT-CN-BAKERY-01"]
LOOPBACK = {"127.0.0.1", "localhost"}
# A freshly started server compiles its login pages on first use: slow on a busy machine.
http = httpx.Client(timeout=30)


def client(client_id: str) -> dict[str, Any]:
    (found,) = [c for c in REALM["clients"] if c["clientId"] == client_id]
    return found


def user(username: str) -> dict[str, Any]:
    (found,) = [u for u in REALM["users"] if u["username"] == username]
    return found


# --- the realm file ----------------------------------------------------------------------------


def test_the_realm_has_exactly_the_roles_of_the_service():
    assert REALM["realm"] == ops.REALM == "tracegraph"
    assert {r["name"] for r in REALM["roles"]["realm"]} == {role.value for role in Role}


def test_one_demo_user_per_role_named_after_it_with_the_documented_password():
    assert sorted(u["username"] for u in PEOPLE) == sorted(role.value for role in Role)
    for person in PEOPLE:
        assert person["realmRoles"] == [person["username"]], person["username"]
        assert person["enabled"] and person["emailVerified"]  # else Keycloak asks to complete the profile
        assert person["firstName"] and person["lastName"] and person["email"]
        # the token's subject (sub) is the user's id: a UUID, as Keycloak requires, fixed here so that it stays the
        # same across re-imports (the audit trail and decidedBy keep naming the same person)
        assert person["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:tracegraph:dev-user:{person['username']}"))
        (credential,) = person["credentials"]
        assert credential == {"type": "password", "value": ops.DEMO_PASSWORD, "temporary": False}


def test_the_data_supplier_supplies_for_demo_enterprises_and_the_token_says_which():
    demo_ids = {firm.id for firm in ENTERPRISES}
    listed = user("data_supplier")["attributes"]["tracegraph_enterprises"]
    assert listed == SUPPLIER_ENTERPRISES and set(listed) <= demo_ids
    # Keycloak 26 drops attributes its user profile does not declare: the attribute must be declared, multivalued
    (profile_component,) = REALM["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(profile_component["config"]["kc.user.profile.config"][0])
    (declared,) = [a for a in profile["attributes"] if a["name"] == "tracegraph_enterprises"]
    assert declared["multivalued"] and declared["permissions"]["edit"] == ["admin"]  # not the user's to change
    (mapper,) = [m for m in client("tracegraph-explorer")["protocolMappers"] if m["name"] == "tracegraph_enterprises"]
    assert mapper["config"]["claim.name"] == "tracegraph_enterprises"
    assert mapper["config"]["multivalued"] == "true" and mapper["config"]["access.token.claim"] == "true"


def test_the_explorer_is_a_public_client_with_pkce_s256_and_loopback_redirects_only():
    explorer = client("tracegraph-explorer")
    assert explorer["publicClient"] is True and "secret" not in explorer
    assert explorer["standardFlowEnabled"] is True
    assert explorer["implicitFlowEnabled"] is False and explorer["directAccessGrantsEnabled"] is False
    assert explorer["attributes"]["pkce.code.challenge.method"] == "S256"
    assert explorer["redirectUris"]
    logout_uris = explorer["attributes"]["post.logout.redirect.uris"].split("##")
    for uri in explorer["redirectUris"] + explorer["webOrigins"] + logout_uris:
        parts = urlsplit(uri)
        assert parts.scheme == "http" and parts.hostname in LOOPBACK and parts.port == 8000, uri


def test_every_client_puts_the_api_audience_in_its_tokens():
    for each in REALM["clients"]:
        audiences = [
            m["config"]["included.custom.audience"]
            for m in each["protocolMappers"]
            if m["protocolMapper"] == "oidc-audience-mapper"
        ]
        assert audiences == [ops.API_AUDIENCE] == ["tracegraph-api"], each["clientId"]


def test_the_credit_platform_is_a_confidential_service_account_with_its_role_only():
    platform = client(ops.SERVICE_CLIENT)
    assert platform["publicClient"] is False and platform["secret"] == ops.SERVICE_SECRET
    assert platform["serviceAccountsEnabled"] is True
    assert not platform["standardFlowEnabled"] and not platform["directAccessGrantsEnabled"]
    (account,) = [u for u in REALM["users"] if u.get("serviceAccountClientId") == ops.SERVICE_CLIENT]
    assert account["realmRoles"] == [Role.CREDIT_PLATFORM.value]


def test_access_tokens_live_between_five_and_fifteen_minutes():
    assert 300 <= REALM["accessTokenLifespan"] <= 900


# --- the script, without a server --------------------------------------------------------------


def test_info_names_every_demo_user_the_issuer_and_the_service_accounts_curl():
    text = ops.info(ops.Server(8999, "512m"))
    assert "http://127.0.0.1:8999/realms/tracegraph" in text and "tracegraph-api" in text
    assert all(person["username"] in text for person in PEOPLE)
    assert f"-u {ops.SERVICE_CLIENT}:{ops.SERVICE_SECRET}" in text and ops.DEMO_PASSWORD in text


@pytest.fixture
def server(tmp_path, monkeypatch):
    unit = ops.Server(1, "256m")
    monkeypatch.setattr(unit, "run_dir", tmp_path / "run")
    monkeypatch.setattr(unit, "pid_file", tmp_path / "run" / "keycloak.pid")
    monkeypatch.setattr(unit, "port_file", tmp_path / "run" / "http.port")
    return unit


def test_a_pid_of_another_program_is_not_taken_for_the_server(server):
    server.run_dir.mkdir()
    server.pid_file.write_text("1")  # init: alive, but not Keycloak
    assert server.running_pid() is None
    assert not server.pid_file.exists()


def test_a_port_in_use_is_refused_with_a_clear_message(server):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server.port = busy.getsockname()[1]
        with pytest.raises(ops.OpsError, match=f"port {server.port} is already in use"):
            ops.start(server, wait_seconds=1)


# --- a real Keycloak (KEYCLOAK_TESTS=1) ---------------------------------------------------------

needs_keycloak = pytest.mark.skipif(
    os.environ.get("KEYCLOAK_TESTS") != "1",
    reason="starts a real Keycloak (minutes on a first start): opt in with KEYCLOAK_TESTS=1",
)


@pytest.fixture(scope="module")
def keycloak():  # type: ignore[no-untyped-def]
    """The worktree's running Keycloak if there is one, else one started here (and stopped afterwards)."""
    running = ops.Server(int(os.environ.get("KEYCLOAK_TEST_PORT", "8180")), "512m")
    if running.port_file.exists() and running.running_pid() is not None:
        running.port = int(running.port_file.read_text().strip())
        ops.start(running, wait_seconds=600)  # waits if it is still starting
        yield running
        return
    ops.start(running, wait_seconds=600)
    yield running
    ops.stop(running)


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT (the API verifies the signature; here the realm's settings are under test)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def audiences(token_claims: dict[str, Any]) -> list[str]:
    aud = token_claims["aud"]
    return [aud] if isinstance(aud, str) else aud


@needs_keycloak
@pytest.mark.parametrize("username", [role.value for role in Role])
def test_each_demo_user_logs_in_by_code_and_pkce_and_its_token_names_its_role(keycloak, username):
    token = ops.login(keycloak, username)["access_token"]
    got = claims(token)
    assert got["iss"] == keycloak.issuer
    assert ops.API_AUDIENCE in audiences(got)
    assert got["sub"] == user(username)["id"] and got["preferred_username"] == username
    assert username in got["realm_access"]["roles"]
    assert set(got["realm_access"]["roles"]) <= {role.value for role in Role}  # no other role leaks in
    assert 300 <= got["exp"] - got["iat"] <= 900
    if username == Role.DATA_SUPPLIER:
        assert got["tracegraph_enterprises"] == SUPPLIER_ENTERPRISES
    else:
        assert "tracegraph_enterprises" not in got


@needs_keycloak
def test_the_tokens_are_signed_by_a_key_the_realm_publishes(keycloak):
    discovery = keycloak.discovery()
    assert discovery["issuer"] == keycloak.issuer
    keys = http.get(discovery["jwks_uri"]).json()["keys"]
    header = json.loads(base64.urlsafe_b64decode(ops.login(keycloak, "auditor")["access_token"].split(".")[0] + "=="))
    assert header["alg"] == "RS256" and header["kid"] in {key["kid"] for key in keys}


@needs_keycloak
def test_the_credit_platform_gets_its_token_by_client_credentials(keycloak):
    got = claims(ops.service_account_token(keycloak)["access_token"])
    assert got["iss"] == keycloak.issuer and ops.API_AUDIENCE in audiences(got)
    (account,) = [u for u in REALM["users"] if u.get("serviceAccountClientId") == ops.SERVICE_CLIENT]
    assert got["azp"] == ops.SERVICE_CLIENT and got["sub"] == account["id"]
    assert got["realm_access"]["roles"] == [Role.CREDIT_PLATFORM.value]


@needs_keycloak
def test_a_wrong_password_or_a_wrong_secret_gets_no_token(keycloak):
    with pytest.raises(ops.OpsError, match="login of 'investigator' refused"):
        ops.login(keycloak, "investigator", "not-the-password")
    answer = http.post(
        f"{keycloak.issuer}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials"},
        auth=(ops.SERVICE_CLIENT, "not-the-secret"),
    )
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized_client"


@needs_keycloak
def test_the_explorer_client_refuses_a_login_without_pkce_a_foreign_redirect_and_the_password_grant(keycloak):
    authorize = f"{keycloak.issuer}/protocol/openid-connect/auth"
    base = {"client_id": ops.EXPLORER_CLIENT, "response_type": "code", "scope": "openid", "state": "s"}
    without_pkce = http.get(authorize, params={**base, "redirect_uri": "http://127.0.0.1:8000/cb"})
    assert without_pkce.status_code == 302
    error = parse_qs(urlsplit(without_pkce.headers["location"]).query)
    assert error["error"] == ["invalid_request"] and "code_challenge_method" in error["error_description"][0]

    pkce = {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}
    foreign = http.get(authorize, params={**base, **pkce, "redirect_uri": "http://evil.example/cb"})
    assert foreign.status_code == 400 and "location" not in foreign.headers

    password_grant = http.post(
        f"{keycloak.issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": ops.EXPLORER_CLIENT,
            "username": "admin",
            "password": ops.DEMO_PASSWORD,
        },
    )
    assert password_grant.status_code in (400, 401) and password_grant.json()["error"] == "unauthorized_client"


@needs_keycloak
def test_the_token_endpoint_answers_the_explorers_origins_only(keycloak):
    token_endpoint = f"{keycloak.issuer}/protocol/openid-connect/token"
    code = {"grant_type": "authorization_code", "client_id": ops.EXPLORER_CLIENT, "code": "x", "code_verifier": "y"}
    for origin, allowed in [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:9999", False),
        ("https://evil.example", False),
    ]:
        answer = http.post(
            token_endpoint, data={**code, "redirect_uri": "http://127.0.0.1:8000/cb"}, headers={"Origin": origin}
        )
        # an allowed origin reaches the grant check (the code is made up); another is refused before it
        assert answer.json()["error"] == ("invalid_grant" if allowed else "Invalid origin"), origin
        assert (answer.headers.get("access-control-allow-origin") == origin) is allowed, origin
