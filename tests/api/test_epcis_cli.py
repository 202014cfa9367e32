"""`tracegraph capture FILE|DIR` and the export of record-born lots and shipments as EPCIS 2.0 events."""

from __future__ import annotations

import json
import shutil

import httpx

from graph.db import Graph
from graph.epcis.validation import schema_problems
from seed.builders import shipment
from tests.api.test_cli import run  # noqa: F401 (a fixture)
from tests.conftest import batch, enterprise, load, product
from tests.graph.epcis.documents import GS1_EXAMPLES, OPENEPCIS


def _reports(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_capture_a_directory_with_a_dry_run_first(run, db, tmp_path):  # noqa: F811
    for name in ("Example_9.6.1-ObjectEvent.jsonld", "Example_9.6.4-TransformationEvent.jsonld"):
        shutil.copy(GS1_EXAMPLES / name, tmp_path / name)
    dry = run("capture", str(tmp_path), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert [(r["events"], r["stored"]) for r in _reports(dry.stdout)] == [(2, 2), (1, 1)]
    assert [
        (r["stored"], r["unchanged"]) for r in _reports(run("capture", str(tmp_path), "--dry-run", "--json").stdout)
    ] == [(2, 0), (1, 0)]  # still nothing stored
    done = run("capture", str(tmp_path), "--json")
    assert done.exit_code == 0, done.output
    assert "target:" in done.stderr
    assert [r["stored"] for r in _reports(done.stdout)] == [2, 1]
    # the two input LGTINs of the transformation; its outputs are SGTINs of no stated lot, so no batch
    assert _reports(done.stdout)[1]["records"]["batch"]["created"] == 2
    again = run("capture", str(tmp_path), "--json")
    assert [(r["stored"], r["unchanged"]) for r in _reports(again.stdout)] == [(0, 2), (0, 1)]


def test_an_invalid_document_is_named_and_exits_1(run, db, tmp_path):  # noqa: F811
    bad = OPENEPCIS / "Invalid" / "ObjectEvent_with_invalid_eventTime_format.json"
    shutil.copy(bad, tmp_path / bad.name)
    result = run("capture", str(tmp_path / bad.name))
    assert result.exit_code == 1
    assert "/epcisBody/eventList/0/eventTime" in result.stderr and "date-time" in result.stderr
    assert "nothing of them was stored" in result.stderr


async def test_export_of_record_born_lots_and_shipments_is_a_valid_epcis_document(
    client: httpx.AsyncClient, db: Graph
) -> None:
    await load(
        db,
        enterprise("E1"),
        enterprise("E2"),
        product("P1"),
        batch("MILK", producer="E1", quantity=500),
        batch("IF-1", [("MILK", 120)], producer="E1", producedAt="2026-03-05T08:00:00+08:00"),
        shipment("S1", "IF-1", "E2", quantity=60, from_="E1"),
    )
    response = await client.get("/epcis/export")
    assert response.status_code == 200
    document = response.json()
    assert schema_problems(document) == ([], 0)
    events = document["epcisBody"]["eventList"]
    kinds = {e["eventID"]: (e["type"], e.get("bizStep")) for e in events}
    assert kinds == {
        "urn:tracegraph:event:batch:IF-1": ("TransformationEvent", "commissioning"),
        "urn:tracegraph:event:batch:MILK": ("ObjectEvent", "commissioning"),
        "urn:tracegraph:event:shipment:S1": ("ObjectEvent", "shipping"),
    }
    transformation = next(e for e in events if e["type"] == "TransformationEvent")
    assert transformation["inputQuantityList"] == [
        {"epcClass": "urn:tracegraph:lot:MILK", "quantity": 120, "uom": "KGM"}
    ]
    # handed to an EPCIS partner and captured back, it is accepted
    captured = await client.post("/epcis/capture", json=document, headers={"Content-Type": "application/ld+json"})
    assert captured.status_code == 202
