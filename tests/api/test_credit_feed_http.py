"""The credit-event feed over real HTTP: GraphQL creditEvents (contract/core.graphql) and the NDJSON bulk feed
GET /credit/events, whose X-Next-Cursor resumes either of them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from graph.credit import set_grade
from graph.records import CreditGrade as G
from tests.conftest import auth_headers, enterprise, gql, load

FEED = """
query($after: String, $first: Int!) {
  creditEvents(after: $after, first: $first) {
    events { seq enterprise { id } fromGrade toGrade reason at }
    endCursor
    hasNextPage
  }
}"""

USCC_X = "91410702MAP306MQ4L"
# 2030-03-17T17:46:40Z, then one second apart
AT = 1_900_000_000_000


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
async def five_events(db):
    """X: listed (seq 1); then decisions on Y, Z, Y, Z (seq 2..5) at known instants."""
    await load(
        db,
        enterprise("X", "新乡市牧野食品有限公司", creditGrade="CERTIFIED", uscc=USCC_X),
        enterprise("Y"),
        enterprise("Z"),
        {"type": "blacklist", "id": "K1", "enterprise": "X", "reason": "fraud", "listedAt": "2026-03-01"},
    )
    await set_grade(db, "Y", G.CERTIFIED, "good record", "inspector Li", now=AT)
    await set_grade(db, "Z", G.DISHONEST, "false declarations", "inspector Li", now=AT + 1000)
    await set_grade(db, "Y", G.REGULAR, "late filings", "inspector Wang", now=AT + 2000)
    await set_grade(db, "Z", G.REGULAR, "corrected", "inspector Wang", now=AT + 3000)
    return db


def rows(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["seq"], e["enterprise"]["id"], e["fromGrade"], e["toGrade"]) for e in events]


EXPECTED = [
    (1, "X", "CERTIFIED", "DISHONEST"),
    (2, "Y", "REGULAR", "CERTIFIED"),
    (3, "Z", "REGULAR", "DISHONEST"),
    (4, "Y", "CERTIFIED", "REGULAR"),
    (5, "Z", "DISHONEST", "REGULAR"),
]


# --- GraphQL -------------------------------------------------------------------------------------------------------


async def test_graphql_credit_events_pages_through_the_feed(client, five_events):
    first = await gql(client, FEED, first=2)
    assert "errors" not in first, first
    page1 = first["data"]["creditEvents"]
    assert rows(page1["events"]) == EXPECTED[:2]
    assert page1["hasNextPage"] is True
    assert page1["events"][0]["reason"] == "blacklisted: K1 (fraud)"
    assert page1["events"][1]["reason"] == "good record"
    assert page1["events"][1]["at"] in ("2030-03-17T17:46:40+00:00", "2030-03-17T17:46:40Z")

    page2 = (await gql(client, FEED, after=page1["endCursor"], first=2))["data"]["creditEvents"]
    assert rows(page2["events"]) == EXPECTED[2:4]
    assert page2["hasNextPage"] is True
    assert page2["events"][1]["at"] in ("2030-03-17T17:46:42+00:00", "2030-03-17T17:46:42Z")

    page3 = (await gql(client, FEED, after=page2["endCursor"], first=2))["data"]["creditEvents"]
    assert rows(page3["events"]) == EXPECTED[4:]
    assert page3["hasNextPage"] is False

    empty = (await gql(client, FEED, after=page3["endCursor"], first=2))["data"]["creditEvents"]
    assert empty == {"events": [], "endCursor": page3["endCursor"], "hasNextPage": False}


async def test_graphql_credit_events_defaults_to_the_start_and_100(client, five_events):
    data = (await gql(client, "{ creditEvents { events { seq } endCursor hasNextPage } }"))["data"]["creditEvents"]
    assert [e["seq"] for e in data["events"]] == [1, 2, 3, 4, 5]
    assert data["hasNextPage"] is False


async def test_graphql_credit_events_of_an_empty_feed(client):
    data = (await gql(client, FEED, first=10))["data"]["creditEvents"]
    assert data == {"events": [], "endCursor": None, "hasNextPage": False}


async def test_graphql_picks_up_events_committed_after_the_last_page(client, five_events):
    end = (await gql(client, FEED, first=100))["data"]["creditEvents"]["endCursor"]
    await set_grade(five_events, "Y", G.ADVANCED_CERTIFIED, "exemplary", "inspector Li", now=AT + 4000)
    data = (await gql(client, FEED, after=end, first=100))["data"]["creditEvents"]
    assert rows(data["events"]) == [(6, "Y", "REGULAR", "ADVANCED_CERTIFIED")]


@pytest.mark.parametrize("cursor", ["", "abc", b64("user:5"), b64("credit-event:-1"), b64("credit-event:x")])
async def test_graphql_a_malformed_cursor_is_bad_user_input_naming_after(client, five_events, cursor):
    body = await gql(client, FEED, after=cursor, first=10)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "after"
    assert error["path"] == ["creditEvents"]


@pytest.mark.parametrize("first", [0, 1001])
async def test_graphql_a_page_size_outside_1_to_1000_is_bad_user_input_naming_first(client, first):
    body = await gql(client, FEED, first=first)
    (error,) = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "first")


async def test_graphql_a_cursor_beyond_64_bits_is_bad_user_input(client, five_events):
    body = await gql(client, FEED, after=b64("credit-event:" + "9" * 20), first=10)
    (error,) = body["errors"]
    assert (error["extensions"]["code"], error["extensions"].get("argument")) == ("BAD_USER_INPUT", "after")


async def test_graphql_credit_events_carry_kind_decider_evidence_and_cursor(client, five_events):
    query = "{ creditEvents(first: 2) { events { seq kind decidedBy evidence cursor } endCursor } }"
    data = (await gql(client, query))["data"]["creditEvents"]
    listed, manual = data["events"]
    assert (listed["kind"], listed["decidedBy"]) == ("BLACKLIST", "blacklist")
    assert [listing["id"] for listing in listed["evidence"]["listings"]] == ["K1"]
    assert (manual["kind"], manual["decidedBy"]) == ("MANUAL", "inspector Li")
    assert manual["cursor"] == data["endCursor"]
    rest = (await gql(client, FEED, after=listed["cursor"], first=1))["data"]["creditEvents"]
    assert rows(rest["events"]) == EXPECTED[1:2]


async def test_graphql_and_ndjson_carry_the_same_uscc_name_kind_and_timestamps(client, five_events):
    query = "{ creditEvents(first: 5) { events { seq kind at effectiveAt enterprise { id uscc name } } } }"
    body = await gql(client, query)
    assert "errors" not in body, body
    via_graphql = body["data"]["creditEvents"]["events"]
    via_ndjson = lines(await client.get("/credit/events", params={"limit": 5}))
    assert [
        (e["seq"], e["enterprise"]["uscc"], e["enterprise"]["name"], e["kind"], e["at"], e["effectiveAt"])
        for e in via_graphql
    ] == [
        (e["seq"], e["enterpriseUscc"], e["enterpriseName"], e["kind"], e["at"], e["effectiveAt"]) for e in via_ndjson
    ]
    listed = via_ndjson[0]
    assert (listed["enterprise"], listed["enterpriseUscc"], listed["enterpriseName"], listed["kind"]) == (
        "X",
        USCC_X,
        "新乡市牧野食品有限公司",
        "BLACKLIST",
    )
    # The legal date of a listing is its listedAt, not the (later) instant the import committed it.
    assert listed["effectiveAt"] == "2026-03-01T00:00:00+00:00"
    assert listed["at"] != listed["effectiveAt"] and listed["at"].endswith("+00:00")
    assert (via_ndjson[1]["enterpriseName"], via_ndjson[1]["enterpriseUscc"]) == ("Enterprise Y", None)
    assert via_ndjson[3]["effectiveAt"] == "2030-03-17T17:46:42+00:00"  # a decision: its own time


# --- NDJSON over GET /credit/events --------------------------------------------------------------------------------


def lines(response) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in response.text.splitlines()]


async def test_rest_feed_is_ndjson_with_the_next_cursor_in_a_header(client, five_events):
    response = await client.get("/credit/events", params={"limit": 2})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.text.endswith("\n") and response.text.count("\n") == 2
    first = lines(response)
    assert [(e["seq"], e["enterprise"], e["fromGrade"], e["toGrade"]) for e in first] == EXPECTED[:2]
    assert response.headers["x-has-more"] == "true"
    listed, manual = first
    assert set(listed) == {
        "seq",
        "cursor",
        "enterprise",
        "enterpriseUscc",
        "enterpriseName",
        "fromGrade",
        "toGrade",
        "kind",
        "reason",
        "decidedBy",
        "evidence",
        "at",
        "effectiveAt",
    }
    assert (listed["kind"], listed["reason"]) == ("BLACKLIST", "blacklisted: K1 (fraud)")
    assert [listing["id"] for listing in listed["evidence"]["listings"]] == ["K1"]
    assert (manual["kind"], manual["reason"], manual["decidedBy"]) == ("MANUAL", "good record", "inspector Li")
    assert manual["at"] == manual["effectiveAt"] == "2030-03-17T17:46:40+00:00"
    assert response.headers["x-next-cursor"] == manual["cursor"]

    following = await client.get("/credit/events", params={"after": response.headers["x-next-cursor"], "limit": 2})
    assert [e["seq"] for e in lines(following)] == [3, 4]
    assert following.headers["x-has-more"] == "true"
    last = await client.get("/credit/events", params={"after": following.headers["x-next-cursor"], "limit": 2})
    assert [e["seq"] for e in lines(last)] == [5]
    assert last.headers["x-has-more"] == "false"

    caught_up = await client.get("/credit/events", params={"after": last.headers["x-next-cursor"]})
    assert caught_up.status_code == 200 and caught_up.text == ""
    assert caught_up.headers["x-next-cursor"] == last.headers["x-next-cursor"]
    assert caught_up.headers["x-has-more"] == "false"


async def test_rest_feed_shows_the_credit_platform_no_evidence_as_graphql_does(client, five_events):
    """Evidence names persons, ties and paths: the regulators read it, the national platform gets the decisions."""
    platform = lines(await client.get("/credit/events", headers=auth_headers("platform", "credit_platform")))
    investigator = lines(await client.get("/credit/events", headers=auth_headers("li", "investigator")))
    assert [e["seq"] for e in platform] == [e["seq"] for e in investigator] and platform
    assert all("evidence" not in e for e in platform)
    assert all("evidence" in e for e in investigator)
    assert [{k: v for k, v in e.items() if k != "evidence"} for e in investigator] == platform


async def test_rest_feed_of_an_empty_feed_has_no_cursor_yet(client):
    response = await client.get("/credit/events")
    assert response.status_code == 200 and response.text == ""
    assert "x-next-cursor" not in response.headers
    assert response.headers["x-has-more"] == "false"


async def test_rest_and_graphql_cursors_resume_each_other(client, five_events):
    rest = await client.get("/credit/events", params={"limit": 3})
    via_graphql = (await gql(client, FEED, after=rest.headers["x-next-cursor"], first=1))["data"]["creditEvents"]
    assert rows(via_graphql["events"]) == EXPECTED[3:4]
    back_to_rest = await client.get("/credit/events", params={"after": via_graphql["endCursor"]})
    assert [e["seq"] for e in lines(back_to_rest)] == [5]
    # and a single event's cursor from the NDJSON line
    second_line = lines(rest)[1]
    via_line = (await gql(client, FEED, after=second_line["cursor"], first=100))["data"]["creditEvents"]
    assert [e["seq"] for e in via_line["events"]] == [3, 4, 5]


async def test_rest_feed_picks_up_events_committed_after_the_last_response(client, five_events):
    end = (await client.get("/credit/events")).headers["x-next-cursor"]
    await set_grade(five_events, "Z", G.CERTIFIED, "audited", "inspector Li", now=AT + 4000)
    later = await client.get("/credit/events", params={"after": end})
    assert [(e["seq"], e["enterprise"], e["toGrade"]) for e in lines(later)] == [(6, "Z", "CERTIFIED")]


@pytest.mark.parametrize("cursor", ["", "abc", b64("user:5"), b64("credit-event:-1")])
async def test_rest_feed_a_malformed_cursor_is_400_naming_after(client, five_events, cursor):
    response = await client.get("/credit/events", params={"after": cursor})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("after:")


@pytest.mark.parametrize("limit", ["0", "1001", "ten"])
async def test_rest_feed_a_bad_limit_is_400_naming_limit(client, limit):
    # the limits themselves are enforced (400 BAD_USER_INPUT); only the name in the message is wrong
    response = await client.get("/credit/events", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
    assert "limit" in response.json()["error"]["message"], response.json()
