"""POST /epcis/capture and GET /epcis/capture/{id} (contract/EPCIS.md sections 1 and 4), against real Neo4j."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.db import Graph
from graph.epcis.events import document_events
from graph.epcis.validation import schema_problems
from tests.graph.epcis.documents import GS1_EXAMPLES, OPENEPCIS, document, event, lgtin, load_json, quantity

LD = {"Content-Type": "application/ld+json"}


def _accepted_documents() -> list[Path]:
    """Every GS1 example and OpenEPCIS Capture/Documents document that passes the format-checked schema."""
    paths = sorted(GS1_EXAMPLES.glob("*.jsonld")) + sorted((OPENEPCIS / "Documents").glob("*.json"))
    return [p for p in paths if schema_problems(load_json(p))[1] == 0]


async def _count(db: Graph, label: str) -> int:
    return int((await db.read("testing/count_label", label=label))[0]["count"])


async def _capture(client: httpx.AsyncClient, doc: Any) -> httpx.Response:
    return await client.post("/epcis/capture", json=doc, headers=LD)


def test_the_accepted_set_is_most_of_the_documents() -> None:
    # Three OpenEPCIS documents fail the format-checked schema (a persistentDisposition and sensor types that are
    # not URIs): the contract accepts what passes, so the set must not shrink silently.
    assert len(_accepted_documents()) >= 75


async def test_every_valid_document_is_accepted_and_its_events_stored(client: httpx.AsyncClient, db: Graph) -> None:
    named: set[str] = set()
    for path in _accepted_documents():
        named.update(e["eventID"] for e in document_events(load_json(path)) if "eventID" in e)
        response = await _capture(client, load_json(path))
        assert response.status_code == 202, (path.name, response.text)
        assert response.headers["GS1-EPCIS-Version"] == "2.0"
        job = await client.get(response.headers["Location"])
        assert job.status_code == 200
        body = job.json()
        assert (body["running"], body["success"], body["errors"]) == (False, True, []), (path.name, body)
    # Documents share eventIDs (the Digital Link variants of GS1's examples): each is stored once, and every event
    # without one under its hash.
    assert len(named) <= await _count(db, "EpcisEvent") < 146


@pytest.mark.parametrize("path", sorted((OPENEPCIS / "Invalid").glob("*.json")), ids=lambda p: p.name)
async def test_every_invalid_document_is_rejected_with_nothing_stored(
    client: httpx.AsyncClient, db: Graph, path: Path
) -> None:
    response = await _capture(client, load_json(path))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "epcisException:ValidationException"
    assert (problem["errors"] and problem["errors"][0]["pointer"].startswith("/")) or problem["errors"][0][
        "pointer"
    ] == ""
    assert await _count(db, "EpcisEvent") == 0
    assert await _count(db, "Batch") == 0


async def test_a_document_with_one_bad_event_stores_none_of_its_good_ones(client: httpx.AsyncClient, db: Graph) -> None:
    good = event(
        eventID="urn:uuid:6f6a3c1e-0000-4000-8000-000000000001", quantityList=[quantity(lgtin("011111", "L1"), 5)]
    )
    bad = event(eventID="urn:uuid:6f6a3c1e-0000-4000-8000-000000000002", eventTime="22-07-2026")
    response = await _capture(client, document(good, bad))
    assert response.status_code == 400
    assert "/epcis/body" not in response.json()["detail"]
    assert response.json()["errors"][0]["pointer"] == "/epcisBody/eventList/1/eventTime"
    assert await _count(db, "EpcisEvent") == 0


async def test_capture_twice_stores_once(client: httpx.AsyncClient, db: Graph) -> None:
    doc = load_json(GS1_EXAMPLES / "Example_9.6.4-TransformationEvent.jsonld")  # no eventID: keyed by its hash
    assert (await _capture(client, doc)).status_code == 202
    events, batches = await _count(db, "EpcisEvent"), await _count(db, "Batch")
    relationships = len(await db.read("testing/all_relationships"))
    assert (await _capture(client, copy.deepcopy(doc))).status_code == 202
    assert (await _count(db, "EpcisEvent"), await _count(db, "Batch")) == (events, batches)
    assert len(await db.read("testing/all_relationships")) == relationships
    listed = (await client.get("/epcis/events")).json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(listed) == 1
    assert listed[0]["eventID"].startswith("ni:///sha-256;") and listed[0]["eventID"].endswith("?ver=CBV2.0")


async def test_repeated_event_ids_in_one_document_the_first_wins(client: httpx.AsyncClient, db: Graph) -> None:
    first = event(eventID="urn:uuid:00000000-0000-4000-8000-00000000000a", bizStep="shipping")
    second = event(eventID="urn:uuid:00000000-0000-4000-8000-00000000000a", bizStep="receiving")
    assert (await _capture(client, document(first, second))).status_code == 202
    listed = (await client.get("/epcis/events")).json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["bizStep"] for e in listed] == ["shipping"]


async def test_a_later_error_declaration_is_added_to_the_stored_event(client: httpx.AsyncClient) -> None:
    plain = event(eventID="urn:uuid:00000000-0000-4000-8000-00000000000b", bizStep="shipping")
    declared = {**plain, "errorDeclaration": {"declarationTime": "2026-03-02T08:00:00Z", "reason": "incorrect_data"}}
    await _capture(client, document(plain))
    assert (await client.get("/epcis/events", params={"EXISTS_errorDeclaration": ""})).json()["epcisBody"][
        "queryResults"
    ]["resultsBody"]["eventList"] == []
    await _capture(client, document(declared))
    found = (await client.get("/epcis/events", params={"EXISTS_errorDeclaration": ""})).json()
    events = found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["errorDeclaration"]["reason"] for e in events] == ["incorrect_data"]


async def test_bad_bodies_are_problems_not_500s(client: httpx.AsyncClient) -> None:
    response = await client.post("/epcis/capture", content=b"{not json", headers=LD)
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:ValidationException")
    response = await client.post("/epcis/capture", content=b"<xml/>", headers={"Content-Type": "application/xml"})
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    missing = await client.get("/epcis/capture/nope")
    assert missing.status_code == 404 and missing.json()["status"] == 404
