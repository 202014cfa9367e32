"""Who captures and who reads (contract/EPCIS.md section 1): a data supplier reads the events and capture jobs it
captured, not another supplier's; a reader reads all. Callers sign in with the tests' tokens (auth_headers)."""

from __future__ import annotations

import httpx

from api.main import create_app
from graph.db import Graph
from graph.identity import Role
from tests.conftest import asgi_client, auth_headers
from tests.graph.epcis.documents import document, event

LD = {"Content-Type": "application/ld+json"}


def _as(subject: str, role: Role) -> dict[str, str]:
    return {**LD, **auth_headers(subject, role.value)}


def _ids(response: httpx.Response) -> list[str]:
    return [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


async def test_a_supplier_reads_only_what_it_captured(client: httpx.AsyncClient) -> None:
    mine, theirs = "urn:uuid:00000000-0000-4000-8000-000000000001", "urn:uuid:00000000-0000-4000-8000-000000000002"
    first = await client.post(
        "/epcis/capture", json=document(event(eventID=mine)), headers=_as("s1", Role.DATA_SUPPLIER)
    )
    await client.post("/epcis/capture", json=document(event(eventID=theirs)), headers=_as("s2", Role.DATA_SUPPLIER))
    assert _ids(await client.get("/epcis/events", headers=_as("s1", Role.DATA_SUPPLIER))) == [mine]
    assert (await client.get(f"/epcis/events/{theirs}", headers=_as("s1", Role.DATA_SUPPLIER))).status_code == 404
    assert sorted(_ids(await client.get("/epcis/events", headers=_as("inv", Role.INVESTIGATOR)))) == [mine, theirs]
    job = first.headers["Location"]
    assert (await client.get(job, headers=_as("s1", Role.DATA_SUPPLIER))).status_code == 200
    assert (await client.get(job, headers=_as("s2", Role.DATA_SUPPLIER))).status_code == 404
    jobs = (await client.get("/epcis/capture", headers=_as("s2", Role.DATA_SUPPLIER))).json()
    assert len(jobs) == 1 and jobs[0]["captureID"] != job.rsplit("/", 1)[1]


async def test_over_the_event_limit_is_413_with_the_limit_header(db: Graph) -> None:
    limited = Graph(db.driver, db.settings.model_copy(update={"epcis_capture_max_events": 2}))
    app = create_app(graph=limited)
    async with asgi_client(app) as client:
        response = await client.post("/epcis/capture", json=document(event(), event(), event()), headers=LD)
    assert response.status_code == 413
    assert response.headers["GS1-EPCIS-Capture-Limit"] == "events=2"
    assert response.json()["type"] == "epcisException:CaptureLimitExceededException"
