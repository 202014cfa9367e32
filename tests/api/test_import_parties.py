"""A data supplier writes only its own parties' records (the enterprise itself, a batch's producer, a shipment's
`from`, a test report's lab): anything else is an import error naming the line and the party, over every way in
(importRecords, POST /imports); a single window imports for any party; a data supplier reads its own jobs only."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from graph.imports import import_lines
from seed.builders import lab, lab_report
from tests.conftest import BASE, auth_headers, batch, enterprise, gql, load, ndjson, shipment

IMPORT = "mutation($n: String!) { importRecords(ndjson: $n) { ok created errors { line field message } } }"
SUPPLIER = auth_headers("supplier-m", "data_supplier", enterprises=("M",))


def text(*records: dict[str, Any]) -> str:
    return "\n".join(ndjson(*records))


async def test_a_supplier_imports_its_own_parties_records(client, db):
    await load(db, *BASE, enterprise("R"), lab("L1"))
    own = text(enterprise("M", roles=["MANUFACTURER"]), batch("B1"), shipment("S1", "B1", "R"))
    report = (await gql(client, IMPORT, SUPPLIER, n=own))["data"]["importRecords"]
    assert report["ok"] and report["created"] == 2, report
    lab_supplier = auth_headers("lab-1", "data_supplier", enterprises=("L1",))
    report = (await gql(client, IMPORT, lab_supplier, n=text(lab_report("T1", "B1"))))["data"]["importRecords"]
    assert report["ok"], report


async def test_another_partys_record_is_an_error_naming_the_line_and_the_party(client, db):
    await load(db, *BASE, enterprise("OTHER"), enterprise("R"))
    records = text(
        batch("B1"),  # line 1: M's, fine
        batch("B2", producer="OTHER"),  # line 2: not M's
        shipment("S2", "B2", "R"),  # line 3: refers to the refused B2, from M: not a fault of its own
        shipment("S3", "B1", "M", from_="R"),  # line 4: sent by R
        enterprise("R", name="renamed"),  # line 5: another enterprise
        {"type": "product", "id": "P2", "name": "x", "hsCode": "190590", "category": "FOOD"},  # line 6
    )
    body = await gql(client, IMPORT, SUPPLIER, n=records)
    report = body["data"]["importRecords"]
    assert not report["ok"] and report["created"] == 0
    errors = {(e["line"], e["field"]): e["message"] for e in report["errors"]}
    assert set(errors) == {(2, "producer"), (4, "from"), (5, "id"), (6, "type")}, errors
    assert "'OTHER'" in errors[(2, "producer")] and "M" in errors[(2, "producer")]
    assert "'R'" in errors[(4, "from")]
    assert "product" in errors[(6, "type")]
    written = await gql(client, '{ batch(id: "B1") { id } }')
    assert written["data"]["batch"] is None  # all or nothing


async def test_a_single_window_imports_for_any_party(client, db):
    await load(db, *BASE, enterprise("OTHER"))
    window = auth_headers("window-1", "single_window")
    report = (await gql(client, IMPORT, window, n=text(batch("B2", producer="OTHER"))))["data"]["importRecords"]
    assert report["ok"], report


async def test_the_parties_step_is_the_pipelines(db):
    await load(db, *BASE, enterprise("X"))
    report = await import_lines(db, ndjson(batch("B1"), batch("B2", producer="X")), parties=frozenset({"X"}))
    assert [(e.line, e.field) for e in report.errors] == [(1, "producer")]
    assert "'M'" in report.errors[0].message


async def finished(client, url: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(500):
        job = (await client.get(url, headers=headers)).json()
        if job["status"] in ("DONE", "FAILED"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"job {url} did not finish")


async def test_an_import_job_of_a_supplier_is_checked_and_seen_by_it_alone(client, db):
    await load(db, *BASE, enterprise("OTHER"))
    body = "\n".join(json.dumps(r) for r in (batch("B1"), batch("B2", producer="OTHER"))).encode()
    posted = await client.post("/imports", content=body, headers=SUPPLIER)
    assert posted.status_code == 202, posted.text
    url = posted.json()["url"]
    job = await finished(client, url, SUPPLIER)
    assert job["status"] == "FAILED"
    assert [(e["line"], e["field"]) for e in job["report"]["errors"]] == [(2, "producer")]
    other = auth_headers("supplier-x", "data_supplier", enterprises=("OTHER",))
    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.get(url, headers=auth_headers("window-1", "single_window"))).status_code == 200
