"""The explorer's shell: GET /explore and GET /explore/config.json, which tells the page how to sign in (the
identity provider's issuer and client id from settings, or none: the token path) and which roles each operation
and route admits (api/access.py), so the page offers only what a caller may use."""

from __future__ import annotations

import httpx

from api import access
from api.main import create_app
from graph.db import Graph


async def test_config_names_the_identity_provider_and_the_page_may_fetch_from_it(graph: Graph) -> None:
    settings = graph.settings.model_copy(
        update={"explorer_oidc_issuer": "http://127.0.0.1:8080/realms/tracegraph", "explorer_oidc_client_id": "x-app"}
    )
    app = create_app(settings=settings, graph=Graph(graph.driver, settings))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        config = (await client.get("/explore/config.json")).json()
        page = await client.get("/explore")
    assert config["issuer"] == "http://127.0.0.1:8080/realms/tracegraph" and config["clientId"] == "x-app"
    policy = page.headers["content-security-policy"]
    assert "connect-src 'self' http://127.0.0.1:8080;" in policy and "script-src 'self';" in policy


async def test_without_an_issuer_the_page_takes_a_pasted_token(client: httpx.AsyncClient) -> None:
    config = (await client.get("/explore/config.json")).json()
    assert config["issuer"] is None
    assert "connect-src 'self';" in (await client.get("/explore")).headers["content-security-policy"]


async def test_config_lists_the_access_rules_as_the_service_enforces_them(client: httpx.AsyncClient) -> None:
    config = (await client.get("/explore/config.json")).json()
    assert config["operations"]["Mutation.openRecall"] == sorted(access.OPERATIONS["Mutation.openRecall"].roles)
    assert config["routes"]["GET /recall-scope.{extension}"] == sorted(
        access.ROUTES["GET /recall-scope.{extension}"].roles  # type: ignore[union-attr]
    )
    assert config["routes"]["GET /explore"] is None  # the page's shell needs no token: what it shows does


async def test_the_root_leads_to_the_explorer(client: httpx.AsyncClient) -> None:
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/explore"
