"""Risk-based sampling and spot checks, on tests/graph/monitoring/data.py plus:
- B6: shrimp from producer V2 (Vietnam, declared DISHONEST), no origin on the lot (its producer's country counts),
  never tested; B7: shrimp from Thailand (not the target); B1 shipped in as an IMPORT (the only PORT candidate).

Scores at NOW = 2026-07-31 (graph/monitoring/sampling.py's weights), computed by hand:
- V's lots B1..B4: credit REGULAR 10; producer V failed 2 of its 5 tests (R1, R2, R3, R4, R6): 15 x 0.4 = 6; the
  product failed 2 of 5: 10 x 0.4 = 4; lab L1 recognised: 0; last test of (V, shrimp) R4 on 2026-07-01, 30 days:
  15 x 30 / 365 = 1.233; no warning, no contagion. 21.233 each.
- B6: credit DISHONEST 20; V2 never tested: 0; product 4; never tested: 15. 39.
- With a warning in force on B3: B3 gets 15 more, 36.233.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.db import Graph
from graph.errors import BadInput, Forbidden
from graph.monitoring import sampling
from graph.risk import warnings
from graph.risk.warnings import MeasureKind, Targets
from seed.builders import batch, enterprise, risk_signal, shipment
from tests.conftest import load
from tests.graph.monitoring.data import RECORDS

NOW = int(datetime(2026, 7, 31, tzinfo=UTC).timestamp() * 1000)
EXTRA = [
    enterprise("V2", "Mekong Shrimp", roles=["MANUFACTURER"], country="VN", creditGrade="DISHONEST"),
    enterprise("TH", "Siam Foods", roles=["MANUFACTURER"], country="TH"),
    enterprise("I", "Importer", roles=["IMPORTER"], country="CN"),
    batch("B6", product="P-SHRIMP", producer="V2"),
    batch("B7", product="P-SHRIMP", producer="TH", originCountry="TH"),
    shipment("S1", "B1", "I", from_="V", direction="IMPORT", port="CNTAO"),
]


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *RECORDS, *EXTRA)
    return db


def points(candidate: sampling.Candidate) -> dict[str, float]:
    return {c.kind: c.points for c in candidate.components}


async def test_market_ranking_with_its_reasons(g: Graph) -> None:
    page = await sampling.next_samples(g, "MP1", "T-SHRIMP", "MARKET", now=NOW)
    assert [(c.batch, c.score) for c in page.items] == [
        ("B6", 39.0),
        ("B1", 21.233),
        ("B2", 21.233),
        ("B3", 21.233),
        ("B4", 21.233),
    ]
    assert points(page.items[0]) == {
        "credit": 20,
        "warnings": 0,
        "contagion": 0,
        "producerFails": 0,
        "productFails": 4,
        "labDoubt": 0,
        "sinceTest": 15,
    }
    b1 = page.items[1]
    assert points(b1)["producerFails"] == 6 and points(b1)["sinceTest"] == 1.233
    assert "failed 2 of 5" in next(c.detail for c in b1.components if c.kind == "producerFails")
    assert page.candidates == 5 and page.candidates_complete and not page.has_next_page


async def test_a_warning_in_force_raises_its_lot(g: Graph) -> None:
    await load(g, risk_signal("SIG1", {"batch": "B3"}, severity=1, probability=0.01))
    warning, _ = await warnings.issue(g, ["SIG1"], Targets(batch_ids=("B3",)), [MeasureKind.RECALL], by="r1", now=NOW)
    if warning.status == warnings.WarningStatus.PROPOSED:
        await warnings.confirm(g, warning.id, by="r2", now=NOW)
    page = await sampling.next_samples(g, "MP1", "T-SHRIMP", "MARKET", now=NOW + 1)
    assert [(c.batch, c.score) for c in page.items[:2]] == [("B6", 39.0), ("B3", 36.233)]
    assert f"1 warning(s) in force: {warning.id}" in page.items[1].components[1].detail


async def test_port_ranks_import_shipments(g: Graph) -> None:
    page = await sampling.next_samples(g, "MP1", "T-SHRIMP", "PORT", now=NOW)
    assert [(c.shipment, c.batch) for c in page.items] == [("S1", "B1")]


async def test_pages_walk_the_ranking_once(g: Graph) -> None:
    seen, after = [], None
    while True:
        page = await sampling.next_samples(g, "MP1", "T-SHRIMP", "MARKET", first=2, after=after, now=NOW)
        seen += [c.batch for c in page.items]
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == ["B6", "B1", "B2", "B3", "B4"]


async def test_bad_arguments_name_themselves(g: Graph) -> None:
    with pytest.raises(BadInput) as err:
        await sampling.next_samples(g, "MP1", "T-NONE", "MARKET")
    assert err.value.argument == "targetId"
    with pytest.raises(BadInput) as err:
        await sampling.next_samples(g, "MP1", "T-SHRIMP", "CROSS_BORDER_ECOMMERCE")
    assert err.value.argument == "stage"
    with pytest.raises(BadInput) as err:
        await sampling.next_samples(g, "MP1", "T-SHRIMP", "MARKET", after="garbage")
    assert err.value.argument == "after"
    with pytest.raises(BadInput) as err:
        await sampling.next_samples(g, "MP1", "T-SHRIMP", "MARKET", first=201)
    assert err.value.argument == "first"


async def test_spot_check_outside_the_catalogue_carries_the_score_and_needs_a_second_officer(g: Graph) -> None:
    # B7 (Thai shrimp) matches no target of the plan: a spot check outside the catalogue.
    check = await sampling.propose_spot_check(g, "MP1", "B7", "MARKET", "tip-off from a market", by="mo-1", now=NOW)
    # TH never tested (15), REGULAR (10), product failed 2 of 5 (4).
    assert (check.status, check.score, check.proposed_by) == ("PROPOSED", 29.0, "mo-1")
    with pytest.raises(Forbidden):
        await sampling.decide_spot_check(g, check.id, True, by="mo-1")
    accepted = await sampling.decide_spot_check(g, check.id, True, by="mo-2", now=NOW + 5)
    assert (accepted.status, accepted.decided_by, accepted.decided_at_ms) == ("ACCEPTED", "mo-2", NOW + 5)
    with pytest.raises(BadInput):
        await sampling.decide_spot_check(g, check.id, False, by="mo-3", reason="too late")
    assert [c.id for c in await sampling.spot_checks_of(g, "MP1")] == [check.id]
