"""Four eyes on the decisions that hurt an enterprise most: approving a downgrade review, a grade I or II warning,
lifting a serious listing. The same officer twice is FORBIDDEN, naming the second person needed; another officer
decides; until then a proposed warning is not in force at the port and a pending lift keeps the listing in force."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from graph.errors import Forbidden
from graph.risk.assessment import WarningGrade
from graph.risk.port_control import check_declaration, shipment_hits, warning_hits
from graph.risk.warnings import MeasureKind, Targets, WarningStatus, adjust, confirm, issue
from seed.builders import blacklist, risk_signal
from tests.conftest import BASE, auth_headers, batch, enterprise, load, shipment


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


T0 = ms("2026-04-01T00:00:00+00:00")
HOUR = 3_600_000


async def call(client: httpx.AsyncClient, query: str, who: str, *roles: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=auth_headers(who, *roles)
    )
    assert response.status_code == 200, response.text
    return response.json()


def refusal(body: dict[str, Any]) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


# --- downgrade reviews ---------------------------------------------------------------------------------------------


async def test_the_officer_who_opened_a_review_may_not_approve_it_and_another_may(client, db):
    await load(
        db,
        *BASE,
        enterprise("X"),
        enterprise("A"),
        {"type": "link", "kind": "SHAREHOLDER", "from": "X", "to": "A", "share": 0.6},
        blacklist("K1", "X"),
    )
    opened = await call(
        client,
        'mutation { openDowngradeReviews(by: "officer-1", sourceIds: ["X"]) { opened { id } } }',
        "officer-1",
        "credit_officer",
    )
    review = opened["data"]["openDowngradeReviews"]["opened"][0]["id"]
    approve = """mutation($id: ID!, $by: String!) {
      approveDowngradeReview(id: $id, reason: "controlled by a blacklisted parent", by: $by) {
        status decidedBy enterprise { creditGrade }
      }
    }"""
    code, message = refusal(await call(client, approve, "officer-1", "credit_officer", id=review, by="officer-1"))
    assert code == "FORBIDDEN" and "second credit officer" in message and "officer-1" in message
    grade = await call(client, 'query { enterprise(id: "A") { creditGrade } }', "inv", "investigator")
    assert grade["data"]["enterprise"]["creditGrade"] == "REGULAR"  # nothing changed
    approved = await call(client, approve, "officer-2", "credit_officer", id=review, by="officer-2")
    assert approved["data"]["approveDowngradeReview"] == {
        "status": "APPROVED",
        "decidedBy": "officer-2",
        "enterprise": {"creditGrade": "DISHONEST"},
    }


# --- warnings ------------------------------------------------------------------------------------------------------

PORT = [MeasureKind.PORT_CONTROL]
WARNED = (
    *BASE,
    enterprise("IMP"),
    batch("B1", originCountry="NZ"),
    risk_signal("SIG-SERIOUS", {"batch": "B1"}, 4, 0.5, source="OVERSEAS_NOTIFICATION"),  # SERIOUS -> II
    risk_signal("SIG-HIGH", {"batch": "B1"}, 1, 0.5, source="OVERSEAS_NOTIFICATION"),  # HIGH -> III
)


def port_import(id: str, at_ms: int) -> dict[str, Any]:
    when = datetime.fromtimestamp(at_ms / 1000, UTC).isoformat()
    return shipment(id, "B1", "IMP", shipped_at=when, direction="IMPORT", port="CNTAO", declaration=f"D-{id}")


async def test_a_grade_ii_warning_is_proposed_and_hits_nothing_at_the_port_until_a_second_officer_confirms(db):
    await load(db, *WARNED, port_import("S-WHILE-PROPOSED", T0 + HOUR), port_import("S-AFTER", T0 + 3 * HOUR))
    w, _ = await issue(db, ["SIG-SERIOUS"], Targets(batch_ids=("B1",)), PORT, by="officer-a", now=T0)
    assert (w.status, w.grade, w.proposed_grade, w.proposed_by) == (
        WarningStatus.PROPOSED,
        WarningGrade.II,
        WarningGrade.II,
        "officer-a",
    )
    assert await warning_hits(db, w.id) == []
    assert await check_declaration(db, "B1", "IMPORT", "2026-04-01T02:30:00Z") == []
    assert await shipment_hits(db, ["S-WHILE-PROPOSED", "S-AFTER"]) == [[], []]

    with pytest.raises(Forbidden, match="second risk officer"):
        await confirm(db, w.id, by="officer-a", now=T0 + 2 * HOUR)
    confirmed = await confirm(db, w.id, by="officer-b", now=T0 + 2 * HOUR)
    assert (confirmed.status, confirmed.grade, confirmed.proposed_grade) == (
        WarningStatus.ACTIVE,
        WarningGrade.II,
        None,
    )
    assert confirmed.effective_from_ms == T0 + 2 * HOUR  # in force from the confirmation
    assert [h.shipment.id for h in await warning_hits(db, w.id)] == ["S-AFTER"]  # not the one shipped before
    assert [h.warning.id for h in await check_declaration(db, "B1", "IMPORT", "2026-04-01T02:30:00Z")] == [w.id]
    assert [len(h) for h in await shipment_hits(db, ["S-WHILE-PROPOSED", "S-AFTER"])] == [0, 1]
    assert [e.action for e in confirmed.events] == ["ISSUED", "CONFIRMED"]
    assert "confirmed by officer-b" in confirmed.history[1]


async def test_grades_iii_and_iv_act_at_once(db):
    await load(db, *WARNED, port_import("S-AFTER", T0 + HOUR))
    w, _ = await issue(db, ["SIG-HIGH"], Targets(batch_ids=("B1",)), PORT, by="officer-a", now=T0)
    assert (w.status, w.grade, w.effective_from_ms) == (WarningStatus.ACTIVE, WarningGrade.III, T0)
    assert [h.shipment.id for h in await warning_hits(db, w.id)] == ["S-AFTER"]


async def test_raising_a_warning_in_force_to_grade_i_waits_for_a_second_officer_and_port_control_goes_on(db):
    await load(db, *WARNED, port_import("S-1", T0 + HOUR), port_import("S-2", T0 + 3 * HOUR))
    w, _ = await issue(db, ["SIG-HIGH"], Targets(batch_ids=("B1",)), PORT, by="officer-a", now=T0)
    pending = await adjust(db, w.id, WarningGrade.I, "cases in three provinces", by="officer-a", now=T0 + 2 * HOUR)
    assert (pending.status, pending.grade, pending.proposed_grade) == (
        WarningStatus.PROPOSED,
        WarningGrade.III,
        WarningGrade.I,
    )
    # still in force at grade III meanwhile: every hit since it took effect, and declarations too
    assert [h.shipment.id for h in await warning_hits(db, w.id)] == ["S-1", "S-2"]
    assert [h.warning.grade for h in await check_declaration(db, "B1", "IMPORT", "2026-04-01T05:00:00Z")] == [
        WarningGrade.III
    ]
    with pytest.raises(Forbidden, match="second risk officer"):
        await confirm(db, w.id, by="officer-a", now=T0 + 4 * HOUR)
    raised = await confirm(db, w.id, by="officer-b", now=T0 + 4 * HOUR)
    assert (raised.status, raised.grade, raised.effective_from_ms) == (WarningStatus.ACTIVE, WarningGrade.I, T0)
    assert [h.shipment.id for h in await warning_hits(db, w.id)] == ["S-1", "S-2"]


CONFIRM = "mutation($id: ID!) { confirmWarning(id: $id) { status grade proposedGrade proposedBy } }"


async def test_confirm_warning_over_graphql_names_the_second_officer_needed(client, db):
    await load(db, *WARNED)
    body = await call(
        client,
        'mutation { issueWarning(signalIds: ["SIG-SERIOUS"], targets: {batchIds: ["B1"]}, measures: [IMPORT_BAN]) '
        "{ id status grade proposedGrade proposedBy } }",
        "officer-a",
        "risk_officer",
    )
    issued = body["data"]["issueWarning"]
    assert (issued["status"], issued["proposedGrade"], issued["proposedBy"]) == ("PROPOSED", "II", "officer-a")
    listed = await call(client, "query { warnings(status: PROPOSED) { id } }", "inv", "investigator")
    assert listed["data"]["warnings"] == [{"id": issued["id"]}]
    code, message = refusal(await call(client, CONFIRM, "officer-a", "risk_officer", id=issued["id"]))
    assert code == "FORBIDDEN" and "second risk officer" in message
    confirmed = await call(client, CONFIRM, "officer-b", "risk_officer", id=issued["id"])
    assert confirmed["data"]["confirmWarning"] == {
        "status": "ACTIVE",
        "grade": "II",
        "proposedGrade": None,
        "proposedBy": None,
    }
    code, _ = refusal(await call(client, CONFIRM, "officer-c", "risk_officer", id=issued["id"]))
    assert code == "BAD_USER_INPUT"  # nothing left to confirm


# --- blacklist liftings --------------------------------------------------------------------------------------------

LIFT = """mutation($id: ID!, $by: String!) {
  liftBlacklistEntry(id: $id, reason: "appeal upheld", by: $by) { event { kind decidedBy } enterprise { creditGrade } }
}"""
CONFIRM_LIFT = """mutation($id: ID!) {
  confirmBlacklistLift(id: $id) { event { kind decidedBy reason } enterprise { creditGrade } }
}"""
ENTRY = """query($id: ID!) {
  blacklistEntry(id: $id) { inForce liftedAt liftedBy pendingLift { requestedBy reason } }
}"""


async def test_lifting_a_serious_listing_waits_for_a_second_credit_officer(client, db):
    await load(db, *BASE, enterprise("X"), blacklist("K1", "X", serious=True))
    asked = await call(client, LIFT, "officer-1", "credit_officer", id="K1", by="officer-1")
    assert asked["data"]["liftBlacklistEntry"] == {"event": None, "enterprise": {"creditGrade": "SERIOUSLY_DISHONEST"}}
    entry = (await call(client, ENTRY, "inv", "investigator", id="K1"))["data"]["blacklistEntry"]
    assert entry == {
        "inForce": True,
        "liftedAt": None,
        "liftedBy": None,
        "pendingLift": {"requestedBy": "officer-1", "reason": "appeal upheld"},
    }
    code, _ = refusal(await call(client, LIFT, "officer-2", "credit_officer", id="K1", by="officer-2"))
    assert code == "BAD_USER_INPUT"  # already asked for: confirm it instead
    code, message = refusal(await call(client, CONFIRM_LIFT, "officer-1", "credit_officer", id="K1"))
    assert code == "FORBIDDEN" and "second credit officer" in message
    assert (await call(client, ENTRY, "inv", "investigator", id="K1"))["data"]["blacklistEntry"]["inForce"] is True
    confirmed = await call(client, CONFIRM_LIFT, "officer-2", "credit_officer", id="K1")
    event = confirmed["data"]["confirmBlacklistLift"]["event"]
    assert (event["kind"], event["decidedBy"]) == ("CREDIT_REPAIR", "officer-2")
    assert confirmed["data"]["confirmBlacklistLift"]["enterprise"] == {"creditGrade": "REGULAR"}
    entry = (await call(client, ENTRY, "inv", "investigator", id="K1"))["data"]["blacklistEntry"]
    assert (entry["inForce"], entry["liftedBy"], entry["pendingLift"]) == (False, "officer-2", None)


async def test_a_pending_lift_outlives_a_re_import_of_the_listing(client, db):
    await load(db, *BASE, enterprise("X"), blacklist("K1", "X", serious=True))
    await call(client, LIFT, "officer-1", "credit_officer", id="K1", by="officer-1")
    await load(db, blacklist("K1", "X", serious=True, reason="fraud, corrected record"))
    entry = (await call(client, ENTRY, "inv", "investigator", id="K1"))["data"]["blacklistEntry"]
    assert entry["pendingLift"] == {"requestedBy": "officer-1", "reason": "appeal upheld"}


async def test_lifting_a_listing_that_is_not_serious_acts_at_once(client, db):
    await load(db, *BASE, enterprise("X"), blacklist("K1", "X"))
    lifted = await call(client, LIFT, "officer-1", "credit_officer", id="K1", by="officer-1")
    assert lifted["data"]["liftBlacklistEntry"] == {
        "event": {"kind": "CREDIT_REPAIR", "decidedBy": "officer-1"},
        "enterprise": {"creditGrade": "REGULAR"},
    }
    code, _ = refusal(await call(client, CONFIRM_LIFT, "officer-2", "credit_officer", id="K1"))
    assert code == "BAD_USER_INPUT"
