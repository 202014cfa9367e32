"""contract/core.graphql `contagion` over real HTTP: the contract's shape on one hand-computed graph, the default
sources, and the error codes."""

from __future__ import annotations

from typing import Any

import pytest

from seed.builders import link
from tests.conftest import BASE, batch, enterprise, gql, load, shipment

# SC-V CONTROL 0.8 (SC holds 0.6 of V); SB-V SHARED_PERSON 0.6 (p1 LR of SB, officer of V);
# SA-W TRADE 0.3 (shipment SA -> W); W-V CONTROL 0.8 (W holds 0.7 of V). SC is blacklisted since 2020.
GRAPH = (
    *BASE,
    batch("B1"),
    *(enterprise(e) for e in ("SA", "SB", "SC", "V", "W")),
    {"type": "person", "id": "p1", "name": "Li Wei"},
    link("SHAREHOLDER", "SC", "V", 0.6),
    link("LEGAL_REPRESENTATIVE", "p1", "SB"),
    link("OFFICER", "p1", "V"),
    shipment("S1", "B1", "W", from_="SA"),
    link("SHAREHOLDER", "W", "V", 0.7),
    {"type": "blacklist", "id": "K1", "enterprise": "SC", "reason": "fraud", "listedAt": "2020-01-01"},
)

CONTAGION = """
query($ids: [ID!], $h: Int!, $m: Float!) {
  contagion(sourceIds: $ids, maxHops: $h, minScore: $m) {
    enterprise { id }
    score
    action
    evidence { source { id } score hops { from { id } to { id } kind weight via } }
  }
}"""

DEFAULTS = "{ contagion { enterprise { id } score action evidence { source { id } } } }"


@pytest.fixture
async def api(client, db):
    await load(db, *GRAPH)
    return client


def rounded(value: Any) -> Any:
    """The answer with every float rounded to 9 places, far below the precision of any hand-computed value."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def hop(from_: str, to: str, kind: str, weight: float, via: str | None = None) -> dict[str, Any]:
    return {"from": {"id": from_}, "to": {"id": to}, "kind": kind, "weight": weight, "via": via}


def path(source: str, score: float, *hops: dict[str, Any]) -> dict[str, Any]:
    return {"source": {"id": source}, "score": score, "hops": list(hops)}


async def test_contagion_answers_in_the_contract_shape(api):
    # Sources SA, SB, SC; maxHops 3.
    # V: SC 0.8, SB 0.6, SA-W-V 0.3*0.8 = 0.24          -> 1 - 0.2*0.4*0.76 = 0.9392     DOWNGRADE_REVIEW
    # W: SC-V-W 0.64, SB-V-W 0.6*0.8 = 0.48, SA 0.3      -> 1 - 0.36*0.52*0.7 = 0.86896  DOWNGRADE_REVIEW
    body = await gql(api, CONTAGION, ids=["SA", "SB", "SC"], h=3, m=0.05)
    assert "errors" not in body, body
    assert rounded(body["data"]["contagion"]) == [
        {
            "enterprise": {"id": "V"},
            "score": 0.9392,
            "action": "DOWNGRADE_REVIEW",
            "evidence": [
                path("SC", 0.8, hop("SC", "V", "CONTROL", 0.8)),
                path("SB", 0.6, hop("SB", "V", "SHARED_PERSON", 0.6, "p1")),
                path("SA", 0.24, hop("SA", "W", "TRADE", 0.3), hop("W", "V", "CONTROL", 0.8)),
            ],
        },
        {
            "enterprise": {"id": "W"},
            "score": 0.86896,
            "action": "DOWNGRADE_REVIEW",
            "evidence": [
                path("SC", 0.64, hop("SC", "V", "CONTROL", 0.8), hop("V", "W", "CONTROL", 0.8)),
                path("SB", 0.48, hop("SB", "V", "SHARED_PERSON", 0.6, "p1"), hop("V", "W", "CONTROL", 0.8)),
                path("SA", 0.3, hop("SA", "W", "TRADE", 0.3)),
            ],
        },
    ]


async def test_min_score_and_max_hops_reach_the_computation(api):
    # Source SA alone: maxHops 1 -> W 0.3; maxHops 2 -> W 0.3, V 0.24; minScore 0.25 drops V.
    one = await gql(api, CONTAGION, ids=["SA"], h=1, m=0.05)
    assert [(e["enterprise"]["id"], e["action"]) for e in one["data"]["contagion"]] == [("W", "RAISED_INSPECTION")]
    two = await gql(api, CONTAGION, ids=["SA"], h=2, m=0.05)
    assert [(e["enterprise"]["id"], round(e["score"], 9)) for e in two["data"]["contagion"]] == [
        ("W", 0.3),
        ("V", 0.24),
    ]
    assert two["data"]["contagion"][1]["action"] == "INFORMATION"
    high = await gql(api, CONTAGION, ids=["SA"], h=2, m=0.25)
    assert [e["enterprise"]["id"] for e in high["data"]["contagion"]] == ["W"]


async def test_without_source_ids_the_blacklisted_enterprises_are_the_sources(api):
    # Default maxHops 3, minScore 0.05, source SC (listing in force):
    # V 0.8; W SC-V-W 0.64; SB SC-V-SB 0.8*0.6 = 0.48; SA SC-V-W-SA 0.8*0.8*0.3 = 0.192.
    body = await gql(api, DEFAULTS)
    assert [(e["enterprise"]["id"], round(e["score"], 9), e["action"]) for e in body["data"]["contagion"]] == [
        ("V", 0.8, "DOWNGRADE_REVIEW"),
        ("W", 0.64, "DOWNGRADE_REVIEW"),
        ("SB", 0.48, "RAISED_INSPECTION"),
        ("SA", 0.192, "INFORMATION"),
    ]
    assert {p["source"]["id"] for e in body["data"]["contagion"] for p in e["evidence"]} == {"SC"}
    # sourceIds: null is the same as leaving it out
    nulled = await gql(api, CONTAGION, ids=None, h=3, m=0.05)
    assert [e["enterprise"]["id"] for e in nulled["data"]["contagion"]] == ["V", "W", "SB", "SA"]


async def test_an_empty_source_list_answers_an_empty_list(api):
    body = await gql(api, CONTAGION, ids=[], h=3, m=0.05)
    assert body == {"data": {"contagion": []}}


async def test_an_unknown_source_is_not_found_naming_it(api):
    body = await gql(api, CONTAGION, ids=["SA", "NOPE"], h=3, m=0.05)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NOPE" in error["message"]
    assert body.get("data") is None


@pytest.mark.parametrize(
    ("h", "m", "argument"),
    [(0, 0.05, "maxHops"), (7, 0.05, "maxHops"), (3, -0.1, "minScore"), (3, 1.5, "minScore")],
)
async def test_arguments_out_of_range_are_bad_user_input_naming_the_argument(api, h, m, argument):
    body = await gql(api, CONTAGION, ids=["SA"], h=h, m=m)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert argument in error["message"]
    assert body.get("data") is None


async def test_max_hops_out_of_range_is_refused_also_with_default_sources(api):
    body = await gql(api, "{ contagion(maxHops: 7) { score } }")
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "maxHops")
