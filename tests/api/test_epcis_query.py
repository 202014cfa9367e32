"""GET /epcis/events (contract/EPCIS.md section 2): each parameter on a hand-built document with known answers,
paging across a capture between pages, GS1-EPC-Format."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.graph.epcis.documents import document, event, lgtin, parties, quantity

LD = {"Content-Type": "application/ld+json"}
SGTIN_A = "urn:epc:id:sgtin:0614141.107346.2017"
SGTIN_A_DL = "https://example.com/x/01/10614141073464/21/2017"
SGTIN_B = "urn:epc:id:sgtin:0614141.107346.2018"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
LOT = lgtin("011111", "L1")
LOT_DL = "https://id.gs1.org/01/00614141111114/10/L1"
OTHER_LOT = lgtin("022222", "L2")
PARTY_A, PARTY_B = "urn:epc:id:pgln:0614141.00001", "urn:epc:id:pgln:0614141.00002"
LOCATION = "urn:epc:id:sgln:0614141.00777.0"


def _id(n: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-{n:012d}"


EVENTS = [
    event(
        eventID=_id(1),
        time="2026-03-01T08:00:00+08:00",
        action="ADD",
        bizStep="commissioning",
        epcList=[SGTIN_A, SGTIN_B],
        bizLocation={"id": LOCATION},
    ),
    event(
        eventID=_id(2),
        time="2026-03-02T08:00:00+08:00",
        bizStep="https://ref.gs1.org/cbv/BizStep-shipping",
        disposition="in_transit",
        epcList=[SSCC],
        quantityList=[quantity(LOT, 5, "KGM")],
        readPoint={"id": LOCATION},
        **parties(PARTY_A, PARTY_B),
    ),
    event(
        "AggregationEvent",
        eventID=_id(3),
        time="2026-03-01T12:00:00Z",
        action="ADD",
        bizStep="packing",
        parentID=SSCC,
        childEPCs=[SGTIN_A],
        childQuantityList=[quantity(OTHER_LOT, 2)],
    ),
    event(
        "TransformationEvent",
        eventID=_id(4),
        time="2026-03-03T08:00:00+08:00",
        inputQuantityList=[quantity(LOT, 3)],
        outputEPCList=[SGTIN_B],
        outputQuantityList=[quantity(OTHER_LOT, 1)],
        transformationID="urn:epc:id:gdti:0614141.12345.400",
    ),
    event(
        eventID=_id(5),
        time="2026-03-04T08:00:00+08:00",
        bizStep="receiving",
        action="OBSERVE",
        quantityList=[quantity("urn:epc:idpat:sgtin:0614141.011111.*", 7)],
        errorDeclaration={"declarationTime": "2026-03-05T08:00:00Z", "reason": "incorrect_data"},
    ),
]


async def _ids(client: httpx.AsyncClient, **params: str) -> list[int]:
    response = await client.get("/epcis/events", params={**params, "perPage": "100"})
    assert response.status_code == 200, response.text
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return sorted(int(e["eventID"][-12:]) for e in events)


@pytest.fixture
async def captured(client: httpx.AsyncClient) -> httpx.AsyncClient:
    response = await client.post("/epcis/capture", json=document(*EVENTS), headers=LD)
    assert response.status_code == 202, response.text
    return client


QUERIES: list[tuple[dict[str, str], list[int]]] = [
    ({}, [1, 2, 3, 4, 5]),
    ({"eventType": "AggregationEvent|TransformationEvent"}, [3, 4]),
    ({"GE_eventTime": "2026-03-02T00:00:00Z"}, [2, 4, 5]),  # event 2 is 2026-03-02T00:00Z
    ({"LT_eventTime": "2026-03-01T12:00:00Z"}, [1]),
    ({"GE_eventTime": "2026-03-01T20:00:00+08:00", "LT_eventTime": "2026-03-03T00:00:00Z"}, [3, 2]),
    ({"EQ_action": "ADD"}, [1, 3]),
    ({"EQ_bizStep": "shipping"}, [2]),
    ({"EQ_bizStep": "urn:epcglobal:cbv:bizstep:shipping|receiving"}, [2, 5]),
    ({"EQ_disposition": "https://ref.gs1.org/cbv/Disp-in_transit"}, [2]),
    ({"EQ_bizLocation": "https://id.gs1.org/414/0614141007776"}, [1]),
    ({"EQ_readPoint": LOCATION}, [2]),
    ({"EQ_eventID": f"{_id(1)}|{_id(4)}"}, [1, 4]),
    ({"EQ_transformationID": "urn:epc:id:gdti:0614141.12345.400"}, [4]),
    ({"EXISTS_errorDeclaration": ""}, [5]),
    ({"MATCH_epc": SGTIN_A_DL}, [1, 3]),  # epcList and childEPCs, any syntax
    ({"MATCH_epc": "urn:epc:idpat:sgtin:0614141.107346.*"}, [1, 3]),
    ({"MATCH_parentID": "https://id.gs1.org/00/106141412345678908"}, [3]),
    ({"MATCH_outputEPC": SGTIN_B}, [4]),
    ({"MATCH_inputEPC": SGTIN_B}, []),
    ({"MATCH_anyEPC": SGTIN_B}, [1, 4]),
    ({"MATCH_anyEPC": SSCC}, [2, 3]),
    ({"MATCH_epcClass": LOT_DL}, [2]),
    ({"MATCH_epcClass": OTHER_LOT}, [3]),  # childQuantityList
    ({"MATCH_inputEPCClass": LOT}, [4]),
    ({"MATCH_outputEPCClass": OTHER_LOT}, [4]),
    ({"MATCH_anyEPCClass": LOT}, [2, 4]),
    ({"MATCH_anyEPCClass": "https://id.gs1.org/01/00614141111114"}, [2, 4, 5]),  # the pattern: every lot of it
    ({"MATCH_anyEPCClass": "urn:epc:idpat:sgtin:0614141.107346.*"}, []),  # never epcList
    ({"MATCH_epc": SGTIN_A, "EQ_action": "ADD", "eventType": "ObjectEvent"}, [1]),
]


@pytest.mark.parametrize(("params", "expected"), QUERIES, ids=[str(q[0]) for q in QUERIES])
async def test_each_parameter_selects_the_known_events(
    captured: httpx.AsyncClient, params: dict[str, str], expected: list[int]
) -> None:
    assert await _ids(captured, **params) == sorted(expected)


async def test_the_answer_is_a_query_document_with_the_event_as_captured(captured: httpx.AsyncClient) -> None:
    response = await captured.get(
        "/epcis/events", params={"EQ_eventID": _id(2)}, headers={"GS1-EPC-Format": "Never_Translates"}
    )
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["GS1-EPCIS-Version"] == "2.0"
    body = response.json()
    assert (body["type"], body["schemaVersion"]) == ("EPCISQueryDocument", "2.0")
    (found,) = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    recorded = found.pop("recordTime")
    assert recorded.endswith("Z")
    assert found == EVENTS[1]


async def test_epc_format_rewrites_identifiers(captured: httpx.AsyncClient) -> None:
    def first(response: httpx.Response) -> dict[str, Any]:
        return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]

    default = first(await captured.get("/epcis/events", params={"EQ_eventID": _id(2)}))
    assert default["epcList"] == ["https://id.gs1.org/00/106141412345678908"]
    assert default["quantityList"][0]["epcClass"] == LOT_DL
    urn = first(
        await captured.get("/epcis/events", params={"EQ_eventID": _id(2)}, headers={"GS1-EPC-Format": "Always_EPC_URN"})
    )
    assert (urn["epcList"], urn["quantityList"][0]["epcClass"]) == ([SSCC], LOT)
    bad = await captured.get("/epcis/events", headers={"GS1-EPC-Format": "Sometimes"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"EQ_nonsense": "x"},
        {"GE_eventTime": "yesterday"},
        {"eventType": "ThingEvent"},
        {"EQ_action": "CREATE"},
        {"perPage": "0"},
        {"orderBy": "colour"},
        {"nextPageToken": "not-a-token"},
    ],
)
async def test_a_bad_parameter_is_a_query_parameter_problem(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await client.get("/epcis/events", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert next(iter(params)) in response.json()["detail"]


def _page(response: httpx.Response) -> tuple[list[str], str | None]:
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    link = response.headers.get("Link")
    return [e["eventID"] for e in events], (link[1 : link.index(">")] if link else None)


async def test_paging_across_a_capture_between_pages(client: httpx.AsyncClient) -> None:
    first_batch = [event(eventID=_id(100 + n), time=f"2026-03-01T0{n}:00:00Z") for n in range(5)]
    await client.post("/epcis/capture", json=document(*first_batch), headers=LD)
    seen, link = _page(await client.get("/epcis/events", params={"perPage": "2", "orderBy": "eventTime"}))
    assert seen == [_id(104), _id(103)]  # DESC by default
    assert link is not None and "orderBy=eventTime" in link and "perPage=2" in link
    # A capture between pages: one event later than all (on no page of this query), one in the middle of the
    # pages still to come (page 2's range), and a re-capture of what was seen.
    later = [event(eventID=_id(200), time="2026-03-02T00:00:00Z"), event(eventID=_id(201), time="2026-03-01T02:30:00Z")]
    await client.post("/epcis/capture", json=document(*later, *first_batch[:2]), headers=LD)
    while link is not None:
        ids, link = _page(await client.get(link))
        assert len(ids) <= 2
        seen += ids
    assert seen == [_id(104), _id(103), _id(201), _id(102), _id(101), _id(100)]


async def test_default_order_is_storage_order_and_count_limit_bounds_all_pages(client: httpx.AsyncClient) -> None:
    await client.post("/epcis/capture", json=document(*[event(eventID=_id(300 + n)) for n in range(5)]), headers=LD)
    seen, link = _page(await client.get("/epcis/events", params={"perPage": "2", "eventCountLimit": "3"}))
    while link is not None:
        ids, link = _page(await client.get(link))
        seen += ids
    assert seen == [_id(300), _id(301), _id(302)]


async def test_one_event_by_id(captured: httpx.AsyncClient) -> None:
    found = await captured.get(f"/epcis/events/{_id(3)}")
    assert found.status_code == 200 and found.json()["parentID"] == "https://id.gs1.org/00/106141412345678908"
    assert (await captured.get("/epcis/events/urn:uuid:missing")).status_code == 404
