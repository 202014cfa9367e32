"""The graph derived from EPCIS events (contract/EPCIS.md section 5), through GraphQL: lots in any identifier form
are one batch, traceBack over a multi-tier chain of transformations, shipments of SSCC contents, FAIL inspections
raising LAB_FAILURE, a re-capture or another capture order changing nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx

from graph.db import Graph
from tests.conftest import gql as gql_response
from tests.conftest import load
from tests.graph.epcis.documents import document, event, lgtin, parties, quantity

LD = {"Content-Type": "application/ld+json"}
FARM, DAIRY, FACTORY, STORE = (f"urn:epc:id:pgln:0614141.0000{n}" for n in range(1, 5))
MILK = lgtin("011111", "MILK-1")
MILK_DL = "https://farm.example.com/01/00614141111114/10/MILK-1"
POWDER = lgtin("022222", "P-7")
FORMULA = lgtin("033333", "F%2F9")  # lot "F/9", TDS-escaped in the URN
FORMULA_DL = "https://id.gs1.org/01/00614141333332/10/F%2F9"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
LAB_LOCATION = "urn:epc:id:sgln:0614141.00777.0"


def _id(n: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-{n:012d}"


# farm milk (a Digital Link) -> powder -> formula, packed into an SSCC, shipped factory -> store, inspected: FAIL
CHAIN = [
    event(
        eventID=_id(1),
        time="2026-03-01T06:00:00+08:00",
        action="ADD",
        bizStep="commissioning",
        quantityList=[quantity(MILK_DL, 5000, "KGM")],
        destinationList=[{"type": "owning_party", "destination": FARM}],
    ),
    event(
        "TransformationEvent",
        eventID=_id(2),
        time="2026-03-02T06:00:00+08:00",
        inputQuantityList=[quantity(MILK, 1200, "KGM")],
        outputQuantityList=[quantity(POWDER, 150, "KGM")],
        destinationList=[{"type": "owning_party", "destination": DAIRY}],
    ),
    event(
        "TransformationEvent",
        eventID=_id(3),
        time="2026-03-03T06:00:00+08:00",
        inputQuantityList=[quantity(POWDER, 100, "KGM")],
        outputQuantityList=[quantity(FORMULA_DL, 4000)],
        destinationList=[{"type": "owning_party", "destination": FACTORY}],
    ),
    event(
        "AggregationEvent",
        eventID=_id(4),
        time="2026-03-04T06:00:00+08:00",
        action="ADD",
        bizStep="packing",
        parentID=SSCC,
        childQuantityList=[quantity(FORMULA, 600)],
    ),
    event(
        eventID=_id(5),
        time="2026-03-05T06:00:00+08:00",
        bizStep="shipping",
        epcList=[SSCC],
        **parties(FACTORY, STORE),
    ),
    event(
        eventID=_id(6),
        time="2026-03-06T06:00:00+08:00",
        bizStep="inspecting",
        disposition="non_conformant",
        quantityList=[quantity(FORMULA, 2)],
        bizLocation={"id": LAB_LOCATION},
    ),
]

TRACE = """query($id: ID!) { traceBack(batchId: $id) {
  root { id quantity unit producedAt producer { id } product { id } }
  upstream { depth batch { id } } custody { id from { id } to { id } quantity }
  edges { input { id } output { id } quantity } } }"""


async def _capture(client: httpx.AsyncClient, *events: dict[str, Any]) -> None:
    response = await client.post("/epcis/capture", json=document(*events), headers=LD)
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["success"], job


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql_response(client, query, **variables)
    assert "errors" not in body, body["errors"]
    return dict(body["data"])


CAPTURE_BOOKKEEPING = {"EpcisEvent", "EpcisCapture", "EpcisKey", "Sequence", "TiesToRefresh", "Gs1CompanyPrefix"}
# A lot first seen in an event that does not produce it has the placeholder producer until its producing event
# arrives; the import path never deletes, so the placeholder enterprise stays (with nothing pointing at it).
PLACEHOLDER = "urn:tracegraph:party:unknown"
WALL_CLOCK = {"statusSinceMs"}  # when an import first saw a lab's status


async def _graph_state(db: Graph) -> tuple[Any, ...]:
    """The derived graph: every node but the capture's own bookkeeping (record times, jobs), every relationship."""
    nodes = [
        r
        for r in await db.read("testing/all_nodes")
        if not CAPTURE_BOOKKEEPING & set(r["labels"]) and r["props"].get("id") != PLACEHOLDER
    ]
    relationships = await db.read("testing/all_relationships")
    return (
        sorted(
            json.dumps(
                [r["labels"], {k: v for k, v in r["props"].items() if k[0] != "_" and k not in WALL_CLOCK}],
                sort_keys=True,
            )
            for r in nodes
        ),
        sorted(
            json.dumps([r["type"], r["from"], r["to"], r["props"]], sort_keys=True)
            for r in relationships
            if r["type"] != "NAMES"
        ),
    )


async def test_trace_back_over_a_multi_tier_chain(client: httpx.AsyncClient, db: Graph) -> None:
    await _capture(client, *CHAIN)
    trace = (await gql(client, TRACE, id=FORMULA_DL))["traceBack"]  # asked by its Digital Link
    assert trace["root"] == {
        "id": "urn:epc:class:lgtin:0614141.033333.F%2F9",
        "quantity": 4000,
        "unit": "EA",
        "producedAt": "2026-03-03T06:00:00+08:00",
        "producer": {"id": FACTORY},
        "product": {"id": "urn:epc:idpat:sgtin:0614141.033333.*"},
    }
    assert trace["upstream"] == [{"depth": 1, "batch": {"id": POWDER}}, {"depth": 2, "batch": {"id": MILK}}]
    assert trace["edges"] == [  # by output id, then input id
        {"input": {"id": MILK}, "output": {"id": POWDER}, "quantity": 1200},
        {"input": {"id": POWDER}, "output": {"id": FORMULA}, "quantity": 100},
    ]
    # the SSCC's contents went with the shipping event
    assert trace["custody"] == [{"id": _id(5), "from": {"id": FACTORY}, "to": {"id": STORE}, "quantity": 600}]


async def test_urn_and_digital_link_forms_of_one_lot_are_the_same_batch(client: httpx.AsyncClient, db: Graph) -> None:
    await _capture(client, *CHAIN[:2])  # the milk as a Digital Link, then as a URN
    query = "query($id: ID!) { batch(id: $id) { id quantity epcisEvents } }"
    by_urn = (await gql(client, query, id=MILK))["batch"]
    by_link = (await gql(client, query, id="https://other.example/x/01/00614141111114/10/MILK-1?q=1"))["batch"]
    assert by_urn["id"] == by_link["id"] == MILK
    assert by_urn["quantity"] == 5000
    assert [e["eventID"] for e in by_urn["epcisEvents"]] == [_id(1), _id(2)]
    assert all("recordTime" in e for e in by_urn["epcisEvents"])


async def test_recall_scope_takes_any_form_and_reaches_the_consignee(client: httpx.AsyncClient) -> None:
    await _capture(client, *CHAIN)
    query = """query($ids: [ID!]!) { recallScope(batchIds: $ids) {
      affectedBatches { batch { id } } consignees { enterprise { id } } } }"""
    scope = (await gql(client, query, ids=[MILK_DL]))["recallScope"]
    assert [a["batch"]["id"] for a in scope["affectedBatches"]] == [MILK, POWDER, FORMULA]
    assert scope["consignees"] == [{"enterprise": {"id": STORE}}]


async def test_a_fail_inspection_by_a_recognised_lab_raises_lab_failure(client: httpx.AsyncClient, db: Graph) -> None:
    await load(db, {"type": "lab", "id": LAB_LOCATION, "name": "Port lab", "recognized": True})
    await _capture(client, *CHAIN)
    reports = await gql(
        client, "query($id: ID!) { batch(id: $id) { testReports { id result lab { id } } } }", id=FORMULA
    )
    assert reports["batch"]["testReports"] == [{"id": _id(6), "result": "FAIL", "lab": {"id": LAB_LOCATION}}]
    signals = await db.read("testing/node", id=f"LAB_FAILURE:{_id(6)}")
    assert signals and signals[0]["props"]["subjectId"] == FORMULA
    # the lab imported as a record is not overwritten by what an event says of it
    labs = await db.read("testing/node", id=LAB_LOCATION)
    assert labs[0]["props"]["recognized"] is True and labs[0]["props"]["name"] == "Port lab"


async def test_the_graph_does_not_depend_on_capture_order_and_recapture_changes_nothing(
    client: httpx.AsyncClient, db: Graph
) -> None:
    for item in CHAIN:
        await _capture(client, item)
    in_order = await _graph_state(db)
    await _capture(client, *CHAIN)  # again, whole
    assert await _graph_state(db) == in_order
    await db.write("testing/wipe_all")
    for item in reversed(CHAIN):
        await _capture(client, item)
    reversed_order = await _graph_state(db)
    assert reversed_order[0] == in_order[0]
    assert reversed_order[1] == in_order[1]


async def test_an_error_declaration_withdraws_a_transformations_inputs(client: httpx.AsyncClient) -> None:
    await _capture(client, *CHAIN[:3])
    declared = {**CHAIN[2], "errorDeclaration": {"declarationTime": "2026-03-09T00:00:00Z", "reason": "incorrect_data"}}
    await _capture(client, declared)
    trace = (await gql(client, TRACE, id=FORMULA))["traceBack"]
    assert trace["upstream"] == []
