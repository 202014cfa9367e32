"""Who captures and who reads (contract/EPCIS.md section 1): a data supplier reads the events and capture jobs it
captured, not another supplier's; a reader reads all. The caller is `request.state.principal`, which the auth work
sets for every request (here a test middleware sets it from two headers, standing in for a verified token)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import Request, Response

from api.main import create_app
from graph.db import Graph
from graph.identity import Principal, Role
from tests.graph.epcis.documents import document, event

LD = {"Content-Type": "application/ld+json"}


def _as(subject: str, role: Role) -> dict[str, str]:
    return {**LD, "x-test-subject": subject, "x-test-role": role.value}


@pytest.fixture
async def callers(db: Graph) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(graph=db)

    @app.middleware("http")
    async def principal(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if subject := request.headers.get("x-test-subject"):
            request.state.principal = Principal(subject, frozenset({Role(request.headers["x-test-role"])}))
        return await call_next(request)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def _ids(response: httpx.Response) -> list[str]:
    return [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


async def test_a_supplier_reads_only_what_it_captured(callers: httpx.AsyncClient) -> None:
    mine, theirs = "urn:uuid:00000000-0000-4000-8000-000000000001", "urn:uuid:00000000-0000-4000-8000-000000000002"
    first = await callers.post(
        "/epcis/capture", json=document(event(eventID=mine)), headers=_as("s1", Role.DATA_SUPPLIER)
    )
    await callers.post("/epcis/capture", json=document(event(eventID=theirs)), headers=_as("s2", Role.DATA_SUPPLIER))
    assert _ids(await callers.get("/epcis/events", headers=_as("s1", Role.DATA_SUPPLIER))) == [mine]
    assert (await callers.get(f"/epcis/events/{theirs}", headers=_as("s1", Role.DATA_SUPPLIER))).status_code == 404
    assert sorted(_ids(await callers.get("/epcis/events", headers=_as("inv", Role.INVESTIGATOR)))) == [mine, theirs]
    job = first.headers["Location"]
    assert (await callers.get(job, headers=_as("s1", Role.DATA_SUPPLIER))).status_code == 200
    assert (await callers.get(job, headers=_as("s2", Role.DATA_SUPPLIER))).status_code == 404
    jobs = (await callers.get("/epcis/capture", headers=_as("s2", Role.DATA_SUPPLIER))).json()
    assert len(jobs) == 1 and jobs[0]["captureID"] != job.rsplit("/", 1)[1]


async def test_over_the_event_limit_is_413_with_the_limit_header(db: Graph) -> None:
    limited = Graph(db.driver, db.settings.model_copy(update={"epcis_capture_max_events": 2}))
    app = create_app(graph=limited)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post("/epcis/capture", json=document(event(), event(), event()), headers=LD)
    assert response.status_code == 413
    assert response.headers["GS1-EPCIS-Capture-Limit"] == "events=2"
    assert response.json()["type"] == "epcisException:CaptureLimitExceededException"


def test_every_epcis_route_has_an_access_rule() -> None:
    from api.access import ROUTES
    from api.epcis.routes import router

    declared = {f"{method} {route.path}" for route in router.routes for method in getattr(route, "methods", ())}
    assert len(declared) == 9
    assert declared <= set(ROUTES)
