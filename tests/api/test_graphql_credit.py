"""The regulator's path over real HTTP: import, contagion, open and decide downgrade reviews, read the enterprise's
credit history, reviews and inspection plan, the credit-event feed; the error codes of refused decisions;
setting grades and lifting listings; whether a test report counts as a recognised result."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import BASE, auth_headers, batch, enterprise, gql, ndjson

IMPORT = "mutation($text: String!) { importRecords(ndjson: $text) { ok errorCount errors { line field message } } }"

# X is blacklisted (K1, in force since 2026-03-01). X holds 0.6 of A: a CONTROL tie, 0.8 -> DOWNGRADE_REVIEW.
# A ships a lot to R: TRADE from A, so R is at 0.8 * 0.3 = 0.24 from X (information only).
# LAB-OK is recognised and active; LAB-S was suspended on 2026-03-10 (statusSince).
GRAPH = (
    *BASE,
    enterprise("X"),
    enterprise("A"),
    enterprise("R"),
    {"type": "link", "kind": "SHAREHOLDER", "from": "X", "to": "A", "share": 0.6},
    {"type": "blacklist", "id": "K1", "enterprise": "X", "reason": "falsified origin", "listedAt": "2026-03-01"},
    batch("B1", producer="A"),
    {"type": "shipment", "id": "S1", "batch": "B1", "from": "A", "to": "R", "quantity": 5, "shippedAt": "2026-03-05"},
    {"type": "lab", "id": "LAB-OK", "name": "Good Lab", "recognized": True},
    {"type": "lab", "id": "LAB-S", "name": "Bad Lab", "recognized": True, "status": "SUSPENDED"}
    | {"statusSince": "2026-03-10"},
    {"type": "test_report", "id": "T-OK", "lab": "LAB-OK", "batch": "B1", "result": "PASS", "testedAt": "2026-03-12"},
    {"type": "test_report", "id": "T-EARLY", "lab": "LAB-S", "batch": "B1", "result": "PASS", "testedAt": "2026-03-04"},
    {"type": "test_report", "id": "T-LATE", "lab": "LAB-S", "batch": "B1", "result": "PASS", "testedAt": "2026-03-12"},
)

A_EVIDENCE = [
    {
        "source": {"id": "X"},
        "score": 0.8,
        "hops": [{"from": {"id": "X"}, "to": {"id": "A"}, "kind": "CONTROL", "weight": 0.8, "via": None}],
    }
]
A_EVIDENCE_JSON = [  # the same path, as the credit event's JSON evidence stores it
    {"source": "X", "score": 0.8, "hops": [{"from": "X", "to": "A", "kind": "CONTROL", "weight": 0.8, "via": None}]}
]
PATH_FIELDS = "source { id } score hops { from { id } to { id } kind weight via }"

OPEN = f"""mutation($by: String!, $sources: [ID!]) {{
  openDowngradeReviews(by: $by, sourceIds: $sources) {{
    opened {{ id status score action gradeAtOpening openedBy sources maxHops enterprise {{ id }}
             evidence {{ {PATH_FIELDS} }} }}
    alreadyOpen {{ id enterprise {{ id }} }}
  }}
}}"""
APPROVE = """mutation($id: ID!, $reason: String!, $by: String!) {
  approveDowngradeReview(id: $id, reason: $reason, by: $by) {
    id status decidedBy decisionReason decidedAt creditEventSeq enterprise { id creditGrade }
  }
}"""
REJECT = """mutation($id: ID!, $reason: String!, $by: String!) {
  rejectDowngradeReview(id: $id, reason: $reason, by: $by) {
    id status decidedBy decisionReason creditEventSeq enterprise { id creditGrade }
  }
}"""
ENTERPRISE = """query($id: ID!) {
  enterprise(id: $id) {
    creditGrade standingGrade blacklisted
    creditHistory { seq kind fromGrade toGrade reason decidedBy evidence }
    downgradeReviews { id status }
    inspectionPlan { rate baseRate reasons { kind rate } }
  }
}"""
EVENTS = "{ creditEvents { events { seq kind fromGrade toGrade enterprise { id } evidence } hasNextPage } }"
SET_GRADE = """mutation($id: ID!, $grade: CreditGrade!) {
  setCreditGrade(enterpriseId: $id, grade: $grade, reason: "regulator's decision", by: "test-admin") {
    enterprise { id creditGrade standingGrade } event { kind fromGrade toGrade }
  }
}"""
LIFT = """mutation($id: ID!) {
  liftBlacklistEntry(id: $id, reason: "annulled on appeal", by: "test-admin") {
    enterprise { id creditGrade standingGrade blacklisted } event { kind fromGrade toGrade decidedBy }
  }
}"""


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    [error] = body["errors"]
    return error


@pytest.fixture
async def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    report = (await gql(client, IMPORT, text="\n".join(ndjson(*GRAPH))))["data"]["importRecords"]
    assert report == {"ok": True, "errorCount": 0, "errors": []}
    return client


async def open_review_of_a(api: httpx.AsyncClient) -> str:
    opened = (await gql(api, OPEN, by="inspector-1", headers=auth_headers("inspector-1", "credit_officer")))["data"][
        "openDowngradeReviews"
    ]["opened"]
    [review] = opened
    return review["id"]


# --- the regulator's path ------------------------------------------------------------------------------------------


async def test_contagion_opening_and_approving_a_review_downgrades_with_evidence(api):
    # 1. contagion from every blacklisted enterprise: A at 0.8 (CONTROL), R at 0.8 * 0.3 = 0.24 (TRADE from A)
    body = await gql(api, f"{{ contagion {{ enterprise {{ id }} score action evidence {{ {PATH_FIELDS} }} }} }}")
    assert body["data"]["contagion"][0] == {
        "enterprise": {"id": "A"},
        "score": 0.8,
        "action": "DOWNGRADE_REVIEW",
        "evidence": A_EVIDENCE,
    }
    assert [(e["enterprise"]["id"], e["score"], e["action"]) for e in body["data"]["contagion"]] == [
        ("A", 0.8, "DOWNGRADE_REVIEW"),
        ("R", 0.24, "INFORMATION"),
    ]

    # 2. opening reviews: one, for A, with the evidence snapshot; nobody is downgraded yet
    result = (await gql(api, OPEN, by="inspector-1", headers=auth_headers("inspector-1", "credit_officer")))["data"][
        "openDowngradeReviews"
    ]
    [review] = result["opened"]
    assert result["alreadyOpen"] == []
    assert {k: v for k, v in review.items() if k != "id"} == {
        "status": "OPEN",
        "score": 0.8,
        "action": "DOWNGRADE_REVIEW",
        "gradeAtOpening": "REGULAR",
        "openedBy": "inspector-1",
        "sources": ["X"],
        "maxHops": 3,
        "enterprise": {"id": "A"},
        "evidence": A_EVIDENCE,
    }
    assert (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]["creditGrade"] == "REGULAR"
    again = (await gql(api, OPEN, by="inspector-2", headers=auth_headers("inspector-2", "credit_officer")))["data"][
        "openDowngradeReviews"
    ]
    assert again == {"opened": [], "alreadyOpen": [{"id": review["id"], "enterprise": {"id": "A"}}]}

    # 3. approving: REGULAR -> DISHONEST, credit event 2 (event 1 is X's listing)
    decided = (
        await gql(
            api,
            APPROVE,
            id=review["id"],
            reason="X controls A",
            by="officer-1",
            headers=auth_headers("officer-1", "credit_officer"),
        )
    )["data"]
    approved = decided["approveDowngradeReview"]
    assert approved["decidedAt"] is not None
    assert {k: v for k, v in approved.items() if k != "decidedAt"} == {
        "id": review["id"],
        "status": "APPROVED",
        "decidedBy": "officer-1",
        "decisionReason": "X controls A",
        "creditEventSeq": 2,
        "enterprise": {"id": "A", "creditGrade": "DISHONEST"},
    }

    # 4. the enterprise now
    a = (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]
    assert (a["creditGrade"], a["standingGrade"], a["blacklisted"]) == ("DISHONEST", "DISHONEST", False)
    [event] = a["creditHistory"]
    assert (event["seq"], event["kind"], event["fromGrade"], event["toGrade"], event["decidedBy"]) == (
        2,
        "DOWNGRADE_REVIEW",
        "REGULAR",
        "DISHONEST",
        "officer-1",
    )
    assert review["id"] in event["reason"] and "X controls A" in event["reason"]
    assert event["evidence"]["review"] == review["id"]
    assert event["evidence"]["score"] == 0.8
    assert event["evidence"]["paths"] == A_EVIDENCE_JSON
    assert a["downgradeReviews"] == [{"id": review["id"], "status": "APPROVED"}]
    # the same evidence cannot downgrade twice: opening again names the approved review that weighed it
    skip = "mutation($by: String!) { openDowngradeReviews(by: $by) { opened { id } skipped { id status } } }"
    after = (await gql(api, skip, by="inspector-2", headers=auth_headers("inspector-2", "credit_officer")))["data"][
        "openDowngradeReviews"
    ]
    assert after == {"opened": [], "skipped": [{"id": review["id"], "status": "APPROVED"}]}
    assert (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]["downgradeReviews"] == a["downgradeReviews"]
    # DISHONEST's rate (>= 0.8) beats the raised rate for contagion (0.3); both reasons are listed
    plan = a["inspectionPlan"]
    assert plan["rate"] >= 0.8
    assert [r["kind"] for r in plan["reasons"]] == ["CREDIT_GRADE", "CONTAGION"]
    assert plan["reasons"][0]["rate"] == plan["rate"]
    assert plan["reasons"][1]["rate"] == 0.3

    # 5. the feed: X's listing, then A's downgrade with its evidence
    feed = (await gql(api, EVENTS))["data"]["creditEvents"]
    assert feed["hasNextPage"] is False
    assert [(e["seq"], e["enterprise"]["id"], e["kind"], e["fromGrade"], e["toGrade"]) for e in feed["events"]] == [
        (1, "X", "BLACKLIST", "REGULAR", "DISHONEST"),
        (2, "A", "DOWNGRADE_REVIEW", "REGULAR", "DISHONEST"),
    ]
    assert feed["events"][1]["evidence"] == event["evidence"]


async def test_rejecting_a_review_keeps_the_reason_and_the_grade(api):
    review_id = await open_review_of_a(api)
    rejected = (
        await gql(
            api,
            REJECT,
            id=review_id,
            reason="stake sold in 2025",
            by="officer-1",
            headers=auth_headers("officer-1", "credit_officer"),
        )
    )["data"]
    assert rejected["rejectDowngradeReview"] == {
        "id": review_id,
        "status": "REJECTED",
        "decidedBy": "officer-1",
        "decisionReason": "stake sold in 2025",
        "creditEventSeq": None,
        "enterprise": {"id": "A", "creditGrade": "REGULAR"},
    }
    a = (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]
    assert a["creditHistory"] == []
    body = await gql(api, "query($id: ID!) { downgradeReview(id: $id) { status decisionReason } }", id=review_id)
    assert body["data"]["downgradeReview"] == {"status": "REJECTED", "decisionReason": "stake sold in 2025"}


async def test_reviews_are_listed_and_filtered_by_status(api):
    first = await open_review_of_a(api)
    await gql(
        api,
        REJECT,
        id=first,
        reason="not convinced",
        by="officer-1",
        headers=auth_headers("officer-1", "credit_officer"),
    )
    second = await open_review_of_a(api)
    body = await gql(
        api,
        """{ open: downgradeReviews(status: OPEN) { id } rejected: downgradeReviews(status: REJECTED) { id }
             all: downgradeReviews { id } unknown: downgradeReview(id: "DR-NONE") { id } }""",
    )
    assert body["data"] == {
        "open": [{"id": second}],
        "rejected": [{"id": first}],
        "all": [{"id": second}, {"id": first}],  # newest first
        "unknown": None,
    }


async def test_an_enterprises_reviews_are_filtered_by_status_before_the_page_is_cut(api):
    first = await open_review_of_a(api)
    await gql(
        api,
        REJECT,
        id=first,
        reason="not convinced",
        by="officer-1",
        headers=auth_headers("officer-1", "credit_officer"),
    )
    second = await open_review_of_a(api)
    body = await gql(
        api,
        """{ enterprise(id: "A") { rejected: downgradeReviews(status: REJECTED, first: 1) { id }
                                   open: downgradeReviews(status: OPEN, first: 1) { id } } }""",
    )
    assert body["data"]["enterprise"] == {"open": [{"id": second}], "rejected": [{"id": first}]}


# --- refused decisions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("second", [APPROVE, REJECT], ids=["approve", "reject"])
async def test_deciding_a_review_twice_is_bad_user_input_on_id(api, second):
    review_id = await open_review_of_a(api)
    await gql(
        api,
        APPROVE,
        id=review_id,
        reason="X controls A",
        by="officer-1",
        headers=auth_headers("officer-1", "credit_officer"),
    )
    body = await gql(
        api, second, id=review_id, reason="again", by="officer-2", headers=auth_headers("officer-2", "credit_officer")
    )
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "id"
    assert "APPROVED" in error["message"]
    assert body["data"] is None
    a = (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]
    assert a["creditGrade"] == "DISHONEST"  # one step, once
    assert len(a["creditHistory"]) == 1


async def test_concurrent_approvals_over_http_decide_once(api):
    review_id = await open_review_of_a(api)
    bodies = await asyncio.gather(
        *(
            gql(
                api,
                APPROVE,
                id=review_id,
                reason="X controls A",
                by=f"officer-{i}",
                headers=auth_headers(f"officer-{i}", "credit_officer"),
            )
            for i in range(3)
        )
    )
    assert sum("errors" not in b for b in bodies) == 1
    assert {error_of(b)["extensions"]["code"] for b in bodies if "errors" in b} == {"BAD_USER_INPUT"}
    assert (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]["creditGrade"] == "DISHONEST"


@pytest.mark.parametrize("mutation", [APPROVE, REJECT], ids=["approve", "reject"])
async def test_deciding_an_unknown_review_is_not_found(api, mutation):
    body = await gql(
        api,
        mutation,
        id="DR-20260301-UNKNOWN",
        reason="x",
        by="officer-1",
        headers=auth_headers("officer-1", "credit_officer"),
    )
    error = error_of(body)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "DR-20260301-UNKNOWN" in error["message"]


@pytest.mark.parametrize(("reason", "by", "argument"), [("  ", "test-admin", "reason"), ("ok", "", "by")])
async def test_a_blank_reason_or_decider_is_bad_user_input_naming_it(api, reason, by, argument):
    review_id = await open_review_of_a(api)
    error = error_of(await gql(api, APPROVE, id=review_id, reason=reason, by=by))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", argument)
    error = error_of(await gql(api, OPEN, by=" "))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "by")


async def test_opening_from_an_unknown_source_is_not_found(api):
    error = error_of(await gql(api, OPEN, by="test-admin", sources=["NOPE"]))
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NOPE" in error["message"]


# --- grades and listings -------------------------------------------------------------------------------------------


async def test_a_grade_cannot_be_raised_above_a_listing_in_force(api):
    body = await gql(api, SET_GRADE, id="X", grade="CERTIFIED")  # X stands at REGULAR: a raise
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "grade"
    assert "K1" in error["message"]
    x = (await gql(api, ENTERPRISE, id="X"))["data"]["enterprise"]
    assert (x["creditGrade"], x["blacklisted"]) == ("DISHONEST", True)
    assert [e["kind"] for e in x["creditHistory"]] == ["BLACKLIST"]


async def test_a_grade_can_be_lowered_below_a_listing(api):
    body = await gql(api, SET_GRADE, id="X", grade="SERIOUSLY_DISHONEST")
    assert body["data"]["setCreditGrade"] == {
        "enterprise": {"id": "X", "creditGrade": "SERIOUSLY_DISHONEST", "standingGrade": "SERIOUSLY_DISHONEST"},
        "event": {"kind": "MANUAL", "fromGrade": "DISHONEST", "toGrade": "SERIOUSLY_DISHONEST"},
    }


async def test_setting_the_grade_of_an_unknown_enterprise_is_not_found(api):
    error = error_of(await gql(api, SET_GRADE, id="NOPE", grade="REGULAR"))
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_lifting_the_listing_restores_the_grade_and_lets_it_be_set(api):
    body = await gql(api, LIFT, id="K1")
    assert body["data"]["liftBlacklistEntry"] == {
        "enterprise": {"id": "X", "creditGrade": "REGULAR", "standingGrade": "REGULAR", "blacklisted": False},
        "event": {"kind": "CREDIT_REPAIR", "fromGrade": "DISHONEST", "toGrade": "REGULAR", "decidedBy": "test-admin"},
    }
    entry = await gql(api, '{ blacklistEntry(id: "K1") { inForce liftedBy liftReason liftedAt } }')
    k1 = entry["data"]["blacklistEntry"]
    assert (k1["inForce"], k1["liftedBy"], k1["liftReason"]) == (False, "test-admin", "annulled on appeal")
    assert k1["liftedAt"] is not None
    # X is no longer a contagion source: nothing to review, A's plan is back to its grade alone
    assert (await gql(api, "{ contagion { enterprise { id } } }"))["data"]["contagion"] == []
    a = (await gql(api, ENTERPRISE, id="A"))["data"]["enterprise"]
    assert [r["kind"] for r in a["inspectionPlan"]["reasons"]] == ["CREDIT_GRADE"]
    assert a["inspectionPlan"]["rate"] == a["inspectionPlan"]["baseRate"]
    # now the regulator may raise X's grade
    raised = (await gql(api, SET_GRADE, id="X", grade="CERTIFIED"))["data"]["setCreditGrade"]
    assert raised["enterprise"]["creditGrade"] == "CERTIFIED"
    # lifting twice is refused; re-importing the listing does not put it back in force
    error = error_of(await gql(api, LIFT, id="K1"))
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "id")
    listing = [r for r in GRAPH if r["type"] == "blacklist"]
    assert (await gql(api, IMPORT, text="\n".join(ndjson(*listing))))["data"]["importRecords"]["ok"]
    x = (await gql(api, ENTERPRISE, id="X"))["data"]["enterprise"]
    assert (x["creditGrade"], x["blacklisted"]) == ("CERTIFIED", False)


async def test_lifting_an_unknown_listing_is_not_found(api):
    error = error_of(await gql(api, LIFT, id="K-NONE"))
    assert error["extensions"]["code"] == "NOT_FOUND"


# --- recognised test reports ---------------------------------------------------------------------------------------


async def test_a_test_report_says_whether_it_counts_as_a_recognised_result(api):
    body = await gql(
        api,
        """{ batch(id: "B1") { testReports { id recognised issuedWhileSuspended recognitionNote
                                               lab { id status statusHistory { status since } } } } }""",
    )
    reports = {r["id"]: r for r in body["data"]["batch"]["testReports"]}
    got = {i: (r["recognised"], r["issuedWhileSuspended"]) for i, r in reports.items()}
    # LAB-OK: recognised and active. LAB-S: suspended since 2026-03-10, so T-EARLY (03-04) is not flagged but no
    # longer counts, T-LATE (03-12) is flagged.
    assert got == {"T-OK": (True, False), "T-EARLY": (False, False), "T-LATE": (False, True)}
    assert "LAB-S" in reports["T-LATE"]["recognitionNote"] and "SUSPENDED" in reports["T-LATE"]["recognitionNote"]
    assert reports["T-LATE"]["lab"]["statusHistory"] == [{"status": "SUSPENDED", "since": "2026-03-10T00:00:00+00:00"}]


async def test_a_reinstated_labs_earlier_reports_count_again_but_flagged_ones_never(api):
    lab = {"type": "lab", "id": "LAB-S", "name": "Bad Lab", "recognized": True, "statusSince": "2026-03-20"}
    assert (await gql(api, IMPORT, text="\n".join(ndjson(lab))))["data"]["importRecords"]["ok"]
    body = await gql(
        api,
        """{ lab(id: "LAB-S") { status statusHistory { status since }
                                 reports { id recognised issuedWhileSuspended } } }""",
    )
    lab_now = body["data"]["lab"]
    assert lab_now["status"] == "ACTIVE"
    assert lab_now["statusHistory"] == [
        {"status": "SUSPENDED", "since": "2026-03-10T00:00:00+00:00"},
        {"status": "ACTIVE", "since": "2026-03-20T00:00:00+00:00"},
    ]
    assert {r["id"]: (r["recognised"], r["issuedWhileSuspended"]) for r in lab_now["reports"]} == {
        "T-EARLY": (True, False),
        "T-LATE": (False, True),
    }


async def test_the_inspection_plan_query_names_an_unknown_enterprise(api):
    body = await gql(api, '{ inspectionPlan(enterpriseId: "NOPE") { rate } }')
    error = error_of(body)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NOPE" in error["message"]


async def test_the_inspection_plan_query_raises_an_exposed_enterprise(api):
    body = await gql(
        api,
        """{ a: inspectionPlan(enterpriseId: "A") { grade rate reasons { kind rate }
                                                   exposure { score action } enterprise { id } }
             r: inspectionPlan(enterpriseId: "R") { grade rate baseRate reasons { kind } exposure { score } } }""",
    )
    a, r = body["data"]["a"], body["data"]["r"]
    # A: REGULAR, exposed at 0.8 -> raised to the default 0.3
    assert a["grade"] == "REGULAR" and a["rate"] == 0.3
    assert a["reasons"][1] == {"kind": "CONTAGION", "rate": 0.3}
    assert a["exposure"] == {"score": 0.8, "action": "DOWNGRADE_REVIEW"}
    assert a["enterprise"] == {"id": "A"}
    # R: 0.24 (information only) -> its grade's rate alone
    assert r["grade"] == "REGULAR" and r["rate"] == r["baseRate"]
    assert r["reasons"] == [{"kind": "CREDIT_GRADE"}]
