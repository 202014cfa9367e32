"""Imports name who supplied each record, and keep what a replaced record said before: an append-only copy per
replaced state, with when and by whom it was replaced; an unchanged record keeps none."""

from __future__ import annotations

import json

from graph.audit import record_versions
from graph.imports import import_lines
from tests.api.test_import_jobs import finished
from tests.conftest import BASE, auth_headers, batch, enterprise, load

IMPORT = "mutation($text: String!) { importRecords(ndjson: $text) { ok created updated unchanged } }"


async def supplied(client, who: str, *records) -> dict:
    text = "\n".join(json.dumps(r) for r in records)
    response = await client.post(
        "/graphql", json={"query": IMPORT, "variables": {"text": text}}, headers=auth_headers(who, "single_window")
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["importRecords"]


async def stored(db, id: str) -> dict:
    (row,) = await db.read("testing/node", id=id)
    return dict(row["props"])


async def test_each_record_names_who_supplied_it_and_a_replaced_record_keeps_what_it_said(client, db):
    assert (await supplied(client, "window-a", *BASE, enterprise("X", name="Old name")))["created"] == 3
    assert (await stored(db, "X"))["suppliedBy"] == "window-a"
    assert await record_versions(db, "enterprise", "X") == []

    report = await supplied(client, "window-b", enterprise("X", name="New name"), batch("B1", producer="X"))
    assert (report["updated"], report["created"]) == (1, 1)
    now = await stored(db, "X")
    assert (now["name"], now["suppliedBy"]) == ("New name", "window-b")
    (before,) = await record_versions(db, "enterprise", "X")
    assert (before["name"], before["suppliedBy"], before["replacedBy"], before["recordId"]) == (
        "Old name",
        "window-a",
        "window-b",
        "X",
    )
    assert before["replacedAtMs"] > 0 and before["_hash"] != now["_hash"]

    # The same content again changes nothing and keeps no copy; a third state keeps the second.
    assert (await supplied(client, "window-c", enterprise("X", name="New name")))["unchanged"] == 1
    assert len(await record_versions(db, "enterprise", "X")) == 1
    await supplied(client, "window-c", enterprise("X", name="Third name"))
    assert [v["name"] for v in await record_versions(db, "enterprise", "X")] == ["New name", "Old name"]
    assert (await record_versions(db, "batch", "B1")) == []  # another type, another record


async def test_an_import_job_names_its_sender(client, db):
    body = "\n".join(json.dumps(r) for r in BASE).encode()
    response = await client.post("/imports", content=body, headers=auth_headers("window-a", "single_window"))
    assert response.status_code == 202, response.text
    job = await finished(client, response.json()["url"])
    assert job["status"] == "DONE", job
    assert (await stored(db, "M"))["suppliedBy"] == "window-a"


async def test_an_import_no_caller_is_named_for_says_so(db):
    await load(db, *BASE)
    assert (await stored(db, "M"))["suppliedBy"] == "import"
    assert (await import_lines(db, [json.dumps(enterprise("M", name="Renamed"))], supplied_by="cli-user")).ok
    (before,) = await record_versions(db, "enterprise", "M")
    assert (before["suppliedBy"], before["replacedBy"]) == ("import", "cli-user")


async def test_an_unchanged_record_imported_again_keeps_no_version(db):
    await load(db, *BASE)
    report = await import_lines(db, [json.dumps(r) for r in BASE], supplied_by="window-b")
    assert report.ok and report.created == 0 and report.updated == 0
    assert (await record_versions(db, "enterprise", "M")) == []  # nothing it said before differs from now
