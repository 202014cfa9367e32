"""Recalls and warning evaluation over real HTTP: openRecall in the contract's shape, recordRecallReturn and its
BAD_USER_INPUT, markRecallNotified, recall(id), evaluateWarning, and the progress spreadsheet GET /recalls/{id}.csv."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from graph.risk import warnings
from graph.risk.warnings import MeasureKind, Targets
from tests.chain import CHAIN, CHAIN_HOLDINGS
from tests.conftest import BASE, auth_headers, batch, enterprise, gql, load, shipment

SHANGHAI = ZoneInfo("Asia/Shanghai")

SIG0 = {
    "type": "risk_signal",
    "id": "SIG0",
    "source": "LAB_FAILURE",
    "hazard": "BIOLOGICAL",
    "severity": 3,
    "probability": 0.2,
    "receivedAt": "2026-01-05T00:00:00Z",
    "subject": {"batch": "SRC"},
}
ISSUED = int(datetime.fromisoformat("2026-01-10T00:00:00+00:00").timestamp() * 1000)  # far more than 30 days ago

# SRC -> MID -> FIN; holdings: W 100 + 50 of SRC, R2 15 of MID, FIN (EA) 20 to R1 and 5 to R2: 165 KGM and 25 EA
# on hand, never added together.
GRAPH = (
    *BASE,
    enterprise("W", name="Wholesaler"),
    enterprise("R1", name="Retailer One"),
    enterprise("R2", name="Retailer Two"),
    batch("SRC"),
    batch("MID", [("SRC", 40)]),
    batch("FIN", [("MID", 5)], unit="EA"),
    batch("ORPHAN"),
    shipment("S1", "SRC", "W", quantity=100, shipped_at="2026-03-02"),
    shipment("S2", "SRC", "W", quantity=50, shipped_at="2026-03-03"),
    shipment("S3", "MID", "R2", quantity=15),
    shipment("S4", "FIN", "R2", quantity=5, from_="W"),
    shipment("S5", "FIN", "R1", quantity=20, from_="W"),
    SIG0,
)

RECALL_FIELDS = """
  id recallClass startBy finishBy openedAt openedBy warningId
  affectedBatches { depth batch { id } }
  consignees { enterprise { id } batch { id } shipped returned notified status }
  effectiveness
"""
OPEN = f"""
mutation($ids: [ID!]!, $cls: RecallClass!, $w: ID) {{
  openRecall(batchIds: $ids, recallClass: $cls, warningId: $w) {{ {RECALL_FIELDS} }}
}}"""
RETURN = f"""
mutation($r: ID!, $e: ID!, $b: ID!, $q: Float!) {{
  recordRecallReturn(recallId: $r, enterpriseId: $e, batchId: $b, quantity: $q) {{ {RECALL_FIELDS} }}
}}"""
NOTIFY = f"""
mutation($r: ID!, $e: ID!) {{ markRecallNotified(recallId: $r, enterpriseId: $e) {{ {RECALL_FIELDS} }} }}"""
GET = f"query($id: ID!) {{ recall(id: $id) {{ {RECALL_FIELDS} }} }}"
EVALUATE = """
query($id: ID!) {
  evaluateWarning(id: $id) {
    warning { id status } signalsBefore signalsAfter portControlHits recentPortControlHits
    recalls { id effectiveness } recommendation reason
  }
}"""


@pytest.fixture
async def api(client, db):
    await load(db, *GRAPH)
    return client


async def open_recall(api, ids: list[str], cls: str = "I", warning: str | None = None) -> dict[str, Any]:
    body = await gql(api, OPEN, ids=ids, cls=cls, w=warning)
    assert "errors" not in body, body
    return body["data"]["openRecall"]


def consignees(recall: dict[str, Any]) -> list[tuple[str, str, float, float, bool]]:
    return [
        (c["enterprise"]["id"], c["batch"]["id"], c["shipped"], c["returned"], c["notified"])
        for c in recall["consignees"]
    ]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_open_recall_answers_in_the_contract_shape(api):
    recall = await open_recall(api, ["SRC"], "I")
    assert recall["id"]
    assert recall["recallClass"] == "I"
    assert recall["affectedBatches"] == [
        {"depth": 0, "batch": {"id": "SRC"}},
        {"depth": 1, "batch": {"id": "MID"}},
        {"depth": 2, "batch": {"id": "FIN"}},
    ]
    # by enterprise id, then batch id; W's two shipments of SRC summed
    assert consignees(recall) == [
        ("R1", "FIN", 20.0, 0.0, False),
        ("R2", "FIN", 5.0, 0.0, False),
        ("R2", "MID", 15.0, 0.0, False),
        ("W", "SRC", 150.0, 0.0, False),
    ]
    assert {c["status"] for c in recall["consignees"]} == {"NOT_NOTIFIED"}
    assert recall["effectiveness"] == 0.0
    assert recall["warningId"] is None
    # the stored recall reads back the same
    assert (await gql(api, GET, id=recall["id"]))["data"]["recall"] == recall


@pytest.mark.parametrize(("cls", "hours", "working_days"), [("I", 24, 10), ("II", 48, 20), ("III", 72, 30)])
async def test_open_recall_deadlines_follow_the_class(api, cls, hours, working_days):
    recall = await open_recall(api, ["SRC"], cls)
    opened, start_by, finish_by = (at(recall[k]) for k in ("openedAt", "startBy", "finishBy"))
    assert start_by - opened == timedelta(hours=hours)
    # The opening is "now": the finish is a whole number of weeks later from a weekday (5 working days a week),
    # one day less from a Saturday and two less from a Sunday (the count starts on the Monday).
    local_open, local_finish = opened.astimezone(SHANGHAI), finish_by.astimezone(SHANGHAI)
    weeks = working_days // 5
    calendar_days = 7 * weeks - {5: 1, 6: 2}.get(local_open.weekday(), 0)
    assert local_finish - local_open == timedelta(days=calendar_days)
    assert local_finish.weekday() < 5
    assert local_finish.time() == local_open.time()


async def test_open_recall_under_a_warning_and_its_errors(api, db):
    warning, _ = await warnings.issue(db, ["SIG0"], Targets(batch_ids=("SRC",)), [MeasureKind.RECALL])
    recall = await open_recall(api, ["MID"], "II", warning.id)
    assert recall["warningId"] == warning.id
    assert recall["affectedBatches"] == [{"depth": 0, "batch": {"id": "MID"}}, {"depth": 1, "batch": {"id": "FIN"}}]

    for variables, code, named in (
        ({"ids": ["SRC"], "cls": "I", "w": "W-NOPE"}, "NOT_FOUND", "W-NOPE"),
        ({"ids": ["SRC", "NOPE"], "cls": "I"}, "NOT_FOUND", "NOPE"),
        ({"ids": [], "cls": "I"}, "BAD_USER_INPUT", "batchIds"),
        ({"ids": ["SRC"], "cls": "IV"}, "BAD_USER_INPUT", "IV"),
    ):
        body = await gql(api, OPEN, **variables)
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == code, body
        assert named in error["message"]


async def test_a_recall_of_a_lot_never_shipped_has_no_consignees_and_full_effectiveness(api):
    recall = await open_recall(api, ["ORPHAN"], "III")
    assert recall["affectedBatches"] == [{"depth": 0, "batch": {"id": "ORPHAN"}}]
    assert recall["consignees"] == []
    assert recall["effectiveness"] == 1.0  # nothing on hand anywhere


async def test_record_recall_return_adds_the_quantity_and_marks_the_consignee_notified(api):
    recall = await open_recall(api, ["SRC"])
    body = await gql(api, RETURN, r=recall["id"], e="W", b="SRC", q=100)
    assert "errors" not in body, body
    body = await gql(api, RETURN, r=recall["id"], e="W", b="SRC", q=14)
    after = body["data"]["recordRecallReturn"]
    assert consignees(after) == [
        ("R1", "FIN", 20.0, 0.0, False),
        ("R2", "FIN", 5.0, 0.0, False),
        ("R2", "MID", 15.0, 0.0, False),
        ("W", "SRC", 150.0, 114.0, True),  # 100 + 14
    ]
    assert after["consignees"][3]["status"] == "PARTIALLY_RETURNED"
    assert after["effectiveness"] == 0.0  # KGM 114 / 165, but none of the 25 EA
    assert after["startBy"] == recall["startBy"] and after["finishBy"] == recall["finishBy"]


async def test_a_return_above_what_is_still_out_is_bad_user_input_naming_quantity(api):
    recall = await open_recall(api, ["SRC"])
    await gql(api, RETURN, r=recall["id"], e="R1", b="FIN", q=15)
    for q in (5.5, 0, -3):  # only 5 of 20 still out; nothing or less is no return
        body = await gql(api, RETURN, r=recall["id"], e="R1", b="FIN", q=q)
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["argument"] == "quantity"
        assert error["message"].startswith("quantity")
    unchanged = (await gql(api, GET, id=recall["id"]))["data"]["recall"]
    assert consignees(unchanged)[0] == ("R1", "FIN", 20.0, 15.0, True)
    # the rest, exactly, is fine
    full = (await gql(api, RETURN, r=recall["id"], e="R1", b="FIN", q=5))["data"]["recordRecallReturn"]
    assert full["consignees"][0]["returned"] == 20.0
    assert full["consignees"][0]["status"] == "RETURNED"


async def test_a_return_on_an_unknown_recall_or_line_is_not_found(api):
    recall = await open_recall(api, ["SRC"])
    for r, e, b, named in (("RC-NOPE", "W", "SRC", "RC-NOPE"), (recall["id"], "R1", "MID", "R1/MID")):
        body = await gql(api, RETURN, r=r, e=e, b=b, q=1)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "NOT_FOUND"
        assert named in error["message"]


async def test_mark_recall_notified_marks_every_line_of_the_consignee(api):
    recall = await open_recall(api, ["SRC"])
    body = await gql(api, NOTIFY, r=recall["id"], e="R2")
    notified = body["data"]["markRecallNotified"]
    assert [(e, b, n) for e, b, _, _, n in consignees(notified)] == [
        ("R1", "FIN", False),
        ("R2", "FIN", True),
        ("R2", "MID", True),
        ("W", "SRC", False),
    ]
    assert [c["status"] for c in notified["consignees"]] == ["NOT_NOTIFIED", "NOTIFIED", "NOTIFIED", "NOT_NOTIFIED"]
    [error] = (await gql(api, NOTIFY, r=recall["id"], e="M"))["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_recall_is_null_for_an_unknown_id(api):
    assert await gql(api, GET, id="RC-NOPE") == {"data": {"recall": None}}


# --- evaluateWarning ----------------------------------------------------------------------------------------------


async def test_evaluate_warning_recommends_adjusting_when_new_signals_arrived(api, db):
    # effectiveFrom is fixed in the past; the evaluation runs at the server's clock (after February 2026)
    warning, _ = await warnings.issue(db, ["SIG0"], Targets(batch_ids=("SRC",)), [MeasureKind.RECALL], now=ISSUED)
    if warning.status == warnings.WarningStatus.PROPOSED:  # a grade I or II: in force once a second officer confirms
        warning = await warnings.confirm(db, warning.id, by="officer-b", now=ISSUED)
    await load(
        db,
        {**SIG0, "id": "SIG1", "receivedAt": "2026-02-01T00:00:00Z"},
        {**SIG0, "id": "SIG2", "receivedAt": "2026-02-02T00:00:00Z", "subject": {"batch": "MID"}},  # untargeted
    )
    body = await gql(api, EVALUATE, id=warning.id)
    assert body["data"]["evaluateWarning"] == {
        "warning": {"id": warning.id, "status": "ACTIVE"},
        "signalsBefore": ["SIG0"],
        "signalsAfter": ["SIG1"],
        "portControlHits": 0,
        "recentPortControlHits": 0,
        "recalls": [],
        "recommendation": "ADJUST",
        "reason": "1 new signal(s) on its targets since it took effect (SIG1): "
        "the hazard persists; consider a higher grade, wider targets or stronger measures",
    }


async def test_evaluate_warning_keeps_a_warning_whose_recall_lags_then_lifts_it(api, db):
    warning, _ = await warnings.issue(db, ["SIG0"], Targets(batch_ids=("SRC",)), [MeasureKind.RECALL], now=ISSUED)
    recall = await open_recall(api, ["SRC"], "I", warning.id)
    for e, b, q in (("W", "SRC", 150), ("R2", "MID", 15), ("R1", "FIN", 20)):  # all the KGM, 20 of 25 EA
        await gql(api, RETURN, r=recall["id"], e=e, b=b, q=q)
    kept = (await gql(api, EVALUATE, id=warning.id))["data"]["evaluateWarning"]
    assert kept["recommendation"] == "KEEP"
    assert kept["recalls"] == [{"id": recall["id"], "effectiveness": 0.8}]
    assert kept["reason"] == f"recall(s) below 95% effectiveness: {recall['id']} at 80% (EA 80%, KGM 100%)"

    await gql(api, RETURN, r=recall["id"], e="R2", b="FIN", q=5)
    lifted = (await gql(api, EVALUATE, id=warning.id))["data"]["evaluateWarning"]
    assert lifted["recommendation"] == "LIFT"
    assert lifted["reason"].startswith("no new signal in ")
    assert lifted["reason"].endswith(" days, no port-control hit in the last 30 days, recalls at 100%")


async def test_evaluate_warning_keeps_a_new_warning_under_observation_and_names_unknown_ones(api, db):
    warning, _ = await warnings.issue(db, ["SIG0"], Targets(batch_ids=("SRC",)), [MeasureKind.RECALL])  # now
    kept = (await gql(api, EVALUATE, id=warning.id))["data"]["evaluateWarning"]
    assert kept["recommendation"] == "KEEP"
    assert kept["reason"] == "in force for 0 of the 30 days a warning is observed before lifting"
    [error] = (await gql(api, EVALUATE, id="W-NOPE"))["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "W-NOPE" in error["message"]


# --- GET /recalls/{id}.csv ------------------------------------------------------------------------------------------


async def test_recall_progress_csv_has_a_header_and_one_row_per_consignee_and_batch(api):
    recall = await open_recall(api, ["SRC"], "II")
    rid = recall["id"]
    await gql(api, RETURN, r=rid, e="R1", b="FIN", q=20)
    await gql(api, RETURN, r=rid, e="W", b="SRC", q=40)
    await gql(api, NOTIFY, r=rid, e="R2")
    response = await api.get(f"/recalls/{rid}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert rid in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    # The first fourteen columns as they always were (scripts read them by name); the rest are in test_exports.py.
    assert lines[0].startswith(
        "recall_id,recall_class,consignee_id,batch_id,depth,shipped,forwarded,used,on_hand,returned,outstanding,unit,"
        "notified,status,consignee_name,"
    )
    assert [",".join(line.split(",")[:15]) for line in lines[1:]] == [
        f"{rid},II,R1,FIN,2,20,0,0,20,20,0,EA,yes,RETURNED,Retailer One",
        f"{rid},II,R2,FIN,2,5,0,0,5,0,5,EA,yes,NOTIFIED,Retailer Two",
        f"{rid},II,R2,MID,1,15,0,0,15,0,15,KGM,yes,NOTIFIED,Retailer Two",
        f"{rid},II,W,SRC,0,150,0,0,150,40,110,KGM,yes,PARTIALLY_RETURNED,Wholesaler",  # 150 - 40 still out
        "",
    ]


async def test_recall_progress_csv_of_an_unknown_recall_is_404(api):
    response = await api.get("/recalls/RC-NOPE.csv")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "NOT_FOUND"
    assert "RC-NOPE" in error["message"]


# --- contract v2: what each consignee holds, effectiveness per unit; mass balance ----------------------------------

V2_FIELDS = """
  id effectiveness
  effectivenessByUnit { unit onHand returned effectiveness shipped forwarded used outstanding }
  consignees { enterprise { id } batch { id } shipped forwarded used onHand unit returned outstanding status }
  progress { consignees notified fullyReturned effectiveness finishOverdue }
"""


async def test_recall_lines_carry_the_snapshot_of_holdings_and_effectiveness_is_per_unit(db, client):
    await load(db, *CHAIN)
    body = await gql(client, f'mutation {{ openRecall(batchIds: ["POWDER"], recallClass: I) {{ {V2_FIELDS} }} }}')
    recall = body["data"]["openRecall"]
    got = [
        (c["enterprise"]["id"], c["batch"]["id"], c["shipped"], c["forwarded"], c["used"], c["onHand"], c["unit"])
        for c in recall["consignees"]
    ]
    assert got == CHAIN_HOLDINGS
    assert recall["effectiveness"] == 0.0
    assert recall["effectivenessByUnit"] == [
        {
            "unit": "EA",
            "onHand": 11_520.0,
            "returned": 0.0,
            "effectiveness": 0.0,
            "shipped": 11_520.0,
            "forwarded": 0.0,
            "used": 0.0,
            "outstanding": 11_520.0,
        },
        {
            "unit": "KGM",
            "onHand": 24_000.0,
            "returned": 0.0,
            "effectiveness": 0.0,
            "shipped": 49_000.0,
            "forwarded": 22_000.0,
            "used": 3_000.0,
            "outstanding": 24_000.0,
        },
    ]
    # A returned line of 1 200 EA is 1 200 / 11 520 of the pieces, nothing of the kilograms.
    after = (await gql(client, RETURN.replace(RECALL_FIELDS, V2_FIELDS), r=recall["id"], e="CAFE", b="BREAD", q=1_200))[
        "data"
    ]["recordRecallReturn"]
    assert [(u["unit"], u["returned"], u["effectiveness"]) for u in after["effectivenessByUnit"]] == [
        ("EA", 1_200.0, 1_200 / 11_520),
        ("KGM", 0.0, 0.0),
    ]
    assert after["effectiveness"] == 0.0
    cafe = after["consignees"][2]
    assert (cafe["enterprise"]["id"], cafe["status"], cafe["outstanding"]) == ("CAFE", "RETURNED", 0.0)
    assert after["progress"] == {
        "consignees": 5,
        "notified": 1,
        "fullyReturned": 1,
        "effectiveness": 0.0,
        "finishOverdue": False,
    }


async def test_recall_mass_balance_issues_over_its_affected_batches(db, client):
    await load(
        db,
        *CHAIN,
        shipment("C7", "POWDER", "CAFE", quantity=1_000, from_="IMP"),  # 23 000 out of 22 000 in
        shipment("C8", "BREAD", "CAFE", quantity=100, from_="SHOP"),  # SHOP forwards; 10 320 in: balanced
        shipment("C9", "SUGAR", "CAFE", quantity=900, from_="BAK"),  # 1 200 out of 500: SUGAR is not affected
        shipment("C10", "BREAD", "CAFE", quantity=10, from_="BAK"),  # 11 530 out of 11 520 made
    )
    body = await gql(
        client,
        """mutation { openRecall(batchIds: ["POWDER"], recallClass: II) {
          massBalanceIssues { enterprise { id } batch { id } produced received shipped used unit } } }""",
    )
    # by enterprise id, then batch id (BREAD is two steps below POWDER, BAK comes before IMP)
    assert body["data"]["openRecall"]["massBalanceIssues"] == [
        {
            "enterprise": {"id": "BAK"},
            "batch": {"id": "BREAD"},
            "produced": 11_520.0,
            "received": 0.0,
            "shipped": 11_530.0,
            "used": 0.0,
            "unit": "EA",
        },
        {
            "enterprise": {"id": "IMP"},
            "batch": {"id": "POWDER"},
            "produced": 0.0,
            "received": 22_000.0,
            "shipped": 23_000.0,
            "used": 0.0,
            "unit": "KGM",
        },
    ]


# --- recalls listed, and closed with a final report -----------------------------------------------------------------

CLOSE_FIELDS = """
  id status closedAt closeReason closedBy effectiveness
  finalReport {
    effectiveness
    effectivenessByUnit { unit onHand returned effectiveness outstanding }
    notReached { enterprise { id name } batch { id } outstanding unit notified }
  }
"""
CLOSE = f"""
mutation($id: ID!, $reason: String!, $by: String) {{
  closeRecall(id: $id, reason: $reason, by: $by) {{ {CLOSE_FIELDS} }}
}}"""
LIST = """
query($status: RecallStatus, $cls: RecallClass, $w: ID, $first: Int! = 100, $after: String) {
  recalls(status: $status, recallClass: $cls, warningId: $w, first: $first, after: $after) {
    recalls { id status recallClass warningId } endCursor hasNextPage
  }
}"""


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    [error] = body["errors"]
    return error


async def test_close_recall_sets_closed_and_freezes_effectiveness_per_unit_and_who_was_not_reached(api):
    recall = await open_recall(api, ["SRC"])
    for e, b, q in (("W", "SRC", 150), ("R1", "FIN", 20)):
        assert "errors" not in await gql(api, RETURN, r=recall["id"], e=e, b=b, q=q)
    body = await gql(
        api,
        CLOSE,
        id=recall["id"],
        reason="recall completed; R2 unreachable",
        by="coordinator-li",
        headers=auth_headers("coordinator-li", "recall_coordinator"),
    )
    closed = body["data"]["closeRecall"]
    assert (closed["status"], closed["closeReason"], closed["closedBy"]) == (
        "CLOSED",
        "recall completed; R2 unreachable",
        "coordinator-li",
    )
    assert at(closed["closedAt"]) >= at(recall["openedAt"])
    assert closed["finalReport"] == {
        "effectiveness": 0.8,  # the smallest unit: 20 of 25 EA (KGM: 150 of 165)
        "effectivenessByUnit": [
            {"unit": "EA", "onHand": 25.0, "returned": 20.0, "effectiveness": 0.8, "outstanding": 5.0},
            {"unit": "KGM", "onHand": 165.0, "returned": 150.0, "effectiveness": 150 / 165, "outstanding": 15.0},
        ],
        # R2 was never notified and holds all it got; R1 and W returned all they held.
        "notReached": [
            {
                "enterprise": {"id": "R2", "name": "Retailer Two"},
                "batch": {"id": "FIN"},
                "outstanding": 5.0,
                "unit": "EA",
                "notified": False,
            },
            {
                "enterprise": {"id": "R2", "name": "Retailer Two"},
                "batch": {"id": "MID"},
                "outstanding": 15.0,
                "unit": "KGM",
                "notified": False,
            },
        ],
    }
    # The stored recall reads back the same.
    again = (await gql(api, f"query($id: ID!) {{ recall(id: $id) {{ {CLOSE_FIELDS} }} }}", id=recall["id"]))["data"]
    assert again["recall"] == closed


async def test_a_closed_recall_refuses_returns_notices_and_a_second_close_and_its_report_stays(api):
    recall = await open_recall(api, ["SRC"])
    first = (await gql(api, CLOSE, id=recall["id"], reason="withdrawn"))["data"]["closeRecall"]
    for body, argument in (
        (await gql(api, RETURN, r=recall["id"], e="R1", b="FIN", q=1), "recallId"),
        (await gql(api, NOTIFY, r=recall["id"], e="R2"), "recallId"),
        (await gql(api, CLOSE, id=recall["id"], reason="again"), "id"),
    ):
        error = error_of(body)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["argument"] == argument
        assert f"recall {recall['id']!r} is CLOSED" in error["message"] and "withdrawn" in error["message"]
    after = await gql(api, f"query($id: ID!) {{ recall(id: $id) {{ {CLOSE_FIELDS} }} }}", id=recall["id"])
    assert after["data"]["recall"] == first
    assert first["finalReport"]["effectiveness"] == 0.0 and len(first["finalReport"]["notReached"]) == 4


async def test_close_recall_errors_name_the_recall_or_the_argument(api):
    error = error_of(await gql(api, CLOSE, id="RC-NOPE", reason="x"))
    assert error["extensions"]["code"] == "NOT_FOUND" and "RC-NOPE" in error["message"]
    recall = await open_recall(api, ["SRC"])
    error = error_of(await gql(api, CLOSE, id=recall["id"], reason="  "))
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["argument"] == "reason"
    assert (await gql(api, GET, id=recall["id"]))["data"]["recall"]["id"] == recall["id"]  # still open


async def test_who_closed_it_is_the_caller_and_by_must_name_the_caller(api):
    one, two = await open_recall(api, ["SRC"]), await open_recall(api, ["MID"])
    query = 'mutation($id: ID!, $by: String) { closeRecall(id: $id, reason: "done", by: $by) { closedBy } }'
    zhang = auth_headers("officer-zhang", "recall_coordinator")
    acted = await gql(api, query, headers=zhang, id=one["id"])
    assert acted["data"]["closeRecall"]["closedBy"] == "officer-zhang"
    refused = await gql(api, query, headers=zhang, id=two["id"], by="officer-li")
    assert (
        refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "officer-zhang" in refused["errors"][0]["message"]
    )
    assert (await gql(api, query, id=two["id"], by="test-admin"))["data"]["closeRecall"]["closedBy"] == "test-admin"


async def test_recalls_are_listed_newest_first_by_status_class_and_warning(api, db):
    warning, _ = await warnings.issue(db, ["SIG0"], Targets(batch_ids=("SRC",)), [MeasureKind.RECALL])
    a = await open_recall(api, ["SRC"], "I", warning.id)
    b = await open_recall(api, ["MID"], "II")
    c = await open_recall(api, ["FIN"], "II", warning.id)
    await gql(api, CLOSE, id=b["id"], reason="done")
    newest_first = [r["id"] for r in sorted((a, b, c), key=lambda r: (at(r["openedAt"]), r["id"]), reverse=True)]

    async def listed(**variables: Any) -> list[str]:
        body = await gql(api, LIST, **variables)
        assert "errors" not in body, body
        return [r["id"] for r in body["data"]["recalls"]["recalls"]]

    assert await listed() == newest_first
    assert await listed(status="OPEN") == [i for i in newest_first if i != b["id"]]
    assert await listed(status="CLOSED") == [b["id"]]
    assert await listed(cls="II") == [i for i in newest_first if i != a["id"]]
    assert await listed(w=warning.id) == [i for i in newest_first if i != b["id"]]
    assert await listed(w=warning.id, cls="I", status="OPEN") == [a["id"]]
    assert await listed(w="W-NOPE") == []


async def test_recall_pages_follow_the_cursor_without_skipping_or_repeating_when_recalls_are_opened_or_closed(api):
    opened = [await open_recall(api, [b], "III") for b in ("SRC", "MID", "FIN", "SRC", "MID")]
    newest_first = [r["id"] for r in sorted(opened, key=lambda r: (at(r["openedAt"]), r["id"]), reverse=True)]
    page = (await gql(api, LIST, status="OPEN", first=2))["data"]["recalls"]
    assert [r["id"] for r in page["recalls"]] == newest_first[:2] and page["hasNextPage"] is True
    # Between two pages: a new recall is opened (it is newest, before this page), one on the next page is closed.
    await open_recall(api, ["SRC"], "III")
    await gql(api, CLOSE, id=newest_first[2], reason="done")
    seen = [r["id"] for r in page["recalls"]]
    while page["hasNextPage"]:
        page = (await gql(api, LIST, status="OPEN", first=2, after=page["endCursor"]))["data"]["recalls"]
        seen += [r["id"] for r in page["recalls"]]
    assert seen == newest_first[:2] + newest_first[3:]  # every other open one, once
    empty = (await gql(api, LIST, first=2, after=page["endCursor"]))["data"]["recalls"]
    assert empty == {"recalls": [], "endCursor": page["endCursor"], "hasNextPage": False}


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 0}, "first"),
        ({"first": 1001}, "first"),
        ({"after": "bm90LW91cnM"}, "after"),
        ({"after": "%%"}, "after"),
    ],
)
async def test_recall_listing_arguments_out_of_range_are_bad_user_input_naming_them(api, variables, argument):
    error = error_of(await gql(api, LIST, **variables))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(argument)
