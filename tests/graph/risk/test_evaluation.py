"""Warning evaluation: signals on a warning's targets before and after it took effect (its own excluded from
"after"), its port-control hits (recent ones keep it), its recalls' effectiveness (below 95 % keeps it), the
observation period, and the recommendation KEEP / ADJUST / LIFT with the reason. Time is set with `now=`."""

from __future__ import annotations

from datetime import datetime

import pytest

from graph.db import Graph
from graph.errors import NotFound
from graph.risk import warnings
from graph.risk.evaluation import Recommendation, evaluate
from graph.risk.recalls import RecallClass, open_recall, record_return
from graph.risk.warnings import MeasureKind, Targets, WarningStatus
from seed.builders import risk_signal
from tests.conftest import BASE, batch, enterprise, load, product, shipment


def ms(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 date-time with its offset."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


DAY = 86_400_000
ISSUED = ms("2026-10-01T00:00:00+00:00")  # the warning's effectiveFrom


# TB and TB2 are lots of P1 made by M; OTHER is a toy lot of P2 made by M2. SIG0 on TB is the warning's own signal.
GRAPH = (
    *BASE,
    enterprise("M2"),
    enterprise("IMP", roles=["IMPORTER"]),
    enterprise("R1"),
    product("P2", hsCode="9503000000", category="TOY"),
    batch("TB"),
    batch("TB2"),
    batch("OTHER", product="P2", producer="M2"),
    risk_signal("SIG0", {"batch": "TB"}, received_at="2026-09-20T00:00:00Z"),
)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *GRAPH)
    return db


async def issue(graph: Graph, targets: Targets | None = None, signal_ids: tuple[str, ...] = ("SIG0",), at=ISSUED):
    warning, _ = await warnings.issue(
        graph, list(signal_ids), targets or Targets(batch_ids=("TB",)), [MeasureKind.RECALL], now=at, by="officer-a"
    )
    if warning.status == warnings.WarningStatus.PROPOSED:  # a grade I or II: in force once a second officer confirms
        warning = await warnings.confirm(graph, warning.id, by="officer-b", now=at)
    return warning


# --- new signals ------------------------------------------------------------------------------------------------


async def test_new_signals_on_its_targets_since_it_took_effect_call_for_an_adjustment(g):
    await load(
        g,
        risk_signal("SIGB", {"batch": "TB"}, received_at="2026-09-25T00:00:00Z"),  # before, not its own
        risk_signal("SIGA", {"batch": "TB"}, received_at="2026-10-05T00:00:00Z"),  # after: new
        risk_signal("SIGO", {"batch": "OTHER"}, received_at="2026-10-06T00:00:00Z"),  # after, but not on its targets
        risk_signal("SIGM", {"enterprise": "M"}, received_at="2026-10-07T00:00:00Z"),  # M is not targeted (only TB is)
    )
    warning = await issue(g)
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert e.signals_before == ["SIG0", "SIGB"]  # by receivedAt
    assert e.signals_after == ["SIGA"]
    assert e.recommendation == Recommendation.ADJUST
    assert e.reason == (
        "1 new signal(s) on its targets since it took effect (SIGA): "
        "the hazard persists; consider a higher grade, wider targets or stronger measures"
    )


async def test_a_signal_received_exactly_when_it_took_effect_counts_as_after(g):
    await load(g, risk_signal("SIGA", {"batch": "TB"}, received_at="2026-10-01T00:00:00Z"))  # == effectiveFrom
    warning = await issue(g)
    e = await evaluate(g, warning.id, now=ISSUED + DAY)
    assert (e.signals_before, e.signals_after) == (["SIG0"], ["SIGA"])
    assert e.recommendation == Recommendation.ADJUST


async def test_its_own_signals_are_never_new_even_when_received_after_it_took_effect(g):
    # SIGX arrives at effectiveFrom and is one the warning was issued on.
    await load(g, risk_signal("SIGX", {"batch": "TB"}, received_at="2026-10-01T00:00:00Z"))
    warning = await issue(g, signal_ids=("SIG0", "SIGX"))
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert e.signals_before == ["SIG0"]
    assert e.signals_after == []
    assert e.recommendation == Recommendation.LIFT


async def test_product_and_enterprise_targets_match_signals_on_them_and_on_their_batches(g):
    await load(
        g,
        risk_signal("SIGP", {"product": "P1"}, received_at="2026-10-02T00:00:00Z"),
        risk_signal("SIGB2", {"batch": "TB2"}, received_at="2026-10-03T00:00:00Z"),  # a lot of P1
        risk_signal("SIGE", {"enterprise": "M2"}, received_at="2026-10-04T00:00:00Z"),
        risk_signal("SIGO", {"batch": "OTHER"}, received_at="2026-10-05T00:00:00Z"),  # a lot M2 made
        risk_signal("SIGX", {"enterprise": "IMP"}, received_at="2026-10-06T00:00:00Z"),  # not targeted
    )
    by_product = await issue(g, Targets(product_ids=("P1",)))
    assert (await evaluate(g, by_product.id, now=ISSUED + 40 * DAY)).signals_after == ["SIGP", "SIGB2"]
    by_producer = await issue(g, Targets(enterprise_ids=("M2",)))
    assert (await evaluate(g, by_producer.id, now=ISSUED + 40 * DAY)).signals_after == ["SIGE", "SIGO"]


async def test_hs_code_and_origin_country_targets_match_signals_on_their_products_and_batches(g):
    await load(
        g,
        batch("NZ1", originCountry="NZ"),
        risk_signal("SIGT", {"product": "P2"}, received_at="2026-10-02T00:00:00Z"),  # hsCode 9503000000
        risk_signal("SIGO", {"batch": "OTHER"}, received_at="2026-10-03T00:00:00Z"),  # a lot of P2
        # a lot from NZ (of P1, hsCode 1901101000)
        risk_signal("SIGN", {"batch": "NZ1"}, received_at="2026-10-04T00:00:00Z"),
    )
    by_hs = await issue(g, Targets(hs_code_prefixes=("9503",)))
    assert (await evaluate(g, by_hs.id, now=ISSUED + 40 * DAY)).signals_after == ["SIGT", "SIGO"]
    by_origin = await issue(g, Targets(origin_countries=("NZ",)))
    assert (await evaluate(g, by_origin.id, now=ISSUED + 40 * DAY)).signals_after == ["SIGN"]


async def test_new_signals_outrank_a_lagging_recall(g):
    await load(
        g,
        shipment("S1", "TB", "R1", quantity=100),
        risk_signal("SIGA", {"batch": "TB"}, received_at="2026-10-05T00:00:00Z"),
    )
    warning = await issue(g)
    await open_recall(g, ["TB"], RecallClass.I, warning_id=warning.id, now=ISSUED + DAY)
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert e.recommendation == Recommendation.ADJUST
    assert [r.effectiveness for r in e.recalls] == [0.0]


# --- recalls ----------------------------------------------------------------------------------------------------


async def test_a_recall_below_95_percent_keeps_the_warning_and_at_95_percent_lets_it_go(g):
    await load(g, shipment("S1", "TB", "R1", quantity=100))  # DOMESTIC: no port-control hit
    warning = await issue(g)
    recall = await open_recall(g, ["TB"], RecallClass.I, warning_id=warning.id, now=ISSUED + DAY)
    await record_return(g, recall.id, "R1", "TB", 94)

    lagging = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert [(r.id, r.effectiveness) for r in lagging.recalls] == [(recall.id, 0.94)]  # 94 / 100
    assert lagging.signals_after == []
    assert lagging.recommendation == Recommendation.KEEP
    assert lagging.reason == f"recall(s) below 95% effectiveness: {recall.id} at 94% (KGM 94%)"

    await record_return(g, recall.id, "R1", "TB", 1)  # 95 / 100, the target itself
    enough = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert enough.recommendation == Recommendation.LIFT
    assert enough.reason == "no new signal in 40 days, no port-control hit in the last 30 days, recalls at 95%"


async def test_the_keep_reason_names_only_the_lagging_recalls(g):
    await load(g, enterprise("R2"), shipment("S1", "TB", "R1", quantity=100), shipment("S2", "TB2", "R2", quantity=50))
    warning = await issue(g, Targets(product_ids=("P1",)))
    done = await open_recall(g, ["TB"], RecallClass.I, warning_id=warning.id, now=ISSUED + DAY)
    lagging = await open_recall(g, ["TB2"], RecallClass.III, warning_id=warning.id, now=ISSUED + 2 * DAY)
    await record_return(g, done.id, "R1", "TB", 100)
    await record_return(g, lagging.id, "R2", "TB2", 25)
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert [(r.id, r.effectiveness) for r in e.recalls] == [(done.id, 1.0), (lagging.id, 0.5)]  # by opening
    assert e.recommendation == Recommendation.KEEP
    assert e.reason == f"recall(s) below 95% effectiveness: {lagging.id} at 50% (KGM 50%)"  # 25 / 50


async def test_the_95_percent_rule_holds_in_every_unit_never_over_a_sum_of_units(g):
    # 40 000 KGM of TB all returned, none of the 1 200 EA of TB2: 97 % of a sum of kilograms and pieces, but 0 %
    # of the pieces.
    await load(
        g,
        enterprise("R2"),
        batch("TB2", unit="EA", quantity=1_200),
        shipment("S1", "TB", "R1", quantity=40_000),
        shipment("S2", "TB2", "R2", quantity=1_200),
    )
    warning = await issue(g, Targets(product_ids=("P1",)))
    recall = await open_recall(g, ["TB", "TB2"], RecallClass.I, warning_id=warning.id, now=ISSUED + DAY)
    await record_return(g, recall.id, "R1", "TB", 40_000)
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert [r.effectiveness for r in e.recalls] == [0.0]
    assert e.recommendation == Recommendation.KEEP
    assert e.reason == f"recall(s) below 95% effectiveness: {recall.id} at 0% (EA 0%, KGM 100%)"
    await record_return(g, recall.id, "R2", "TB2", 1_140)  # 95 % of the pieces
    assert (await evaluate(g, warning.id, now=ISSUED + 40 * DAY)).recommendation == Recommendation.LIFT


async def test_a_lot_passed_down_a_chain_counts_once_at_the_tiers_that_hold_it(g):
    # IMP received 100 of TB and shipped all of it on to R1 (60) and R2 (40): once R1 and R2 returned theirs, the
    # recall is complete (100 of 100 on hand), not at 50 % of 200 received.
    await load(
        g,
        enterprise("R2"),
        shipment("S1", "TB", "IMP", quantity=100),
        shipment("S2", "TB", "R1", quantity=60, from_="IMP"),
        shipment("S3", "TB", "R2", quantity=40, from_="IMP"),
    )
    warning = await issue(g)
    recall = await open_recall(g, ["TB"], RecallClass.I, warning_id=warning.id, now=ISSUED + DAY)
    await record_return(g, recall.id, "R1", "TB", 60)
    await record_return(g, recall.id, "R2", "TB", 40)
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert [r.effectiveness for r in e.recalls] == [1.0]
    assert e.recommendation == Recommendation.LIFT


async def test_only_the_recalls_opened_under_the_warning_count(g):
    await load(g, shipment("S1", "TB", "R1", quantity=100))
    warning = await issue(g)
    await open_recall(g, ["TB"], RecallClass.II, now=ISSUED + DAY)  # under no warning, 0 % returned
    e = await evaluate(g, warning.id, now=ISSUED + 40 * DAY)
    assert e.recalls == []
    assert e.recommendation == Recommendation.LIFT
    assert e.reason == "no new signal in 40 days, no port-control hit in the last 30 days"


# --- port-control hits ----------------------------------------------------------------------------------------------


async def test_recent_port_control_hits_keep_the_warning(g):
    await load(
        g,
        # an IMPORT of TB after effectiveFrom: a hit
        shipment("S1", "TB", "R1", quantity=5, from_="IMP", shipped_at="2026-10-20", direction="IMPORT", port="CNTAO"),
        # before effectiveFrom, and a DOMESTIC movement: no hits
        shipment("S0", "TB", "R1", quantity=5, from_="IMP", shipped_at="2026-09-25", direction="IMPORT", port="CNTAO"),
        shipment("S2", "TB", "R1", quantity=5, shipped_at="2026-10-25"),
    )
    warning = await issue(g)
    recent = await evaluate(g, warning.id, now=ms("2026-11-15T00:00:00+00:00"))
    assert (recent.hits, recent.recent_hits) == (1, 1)
    assert recent.recommendation == Recommendation.KEEP
    assert recent.reason == "1 port-control hit(s) in the last 30 days: matching goods are still moving"
    # 30 days after the hit (2026-10-20 + 30 = 2026-11-19) it is still recent; a moment later it is not.
    at_edge = await evaluate(g, warning.id, now=ms("2026-11-19T00:00:00+00:00"))
    assert (at_edge.recent_hits, at_edge.recommendation) == (1, Recommendation.KEEP)
    past = await evaluate(g, warning.id, now=ms("2026-11-19T00:00:00+00:00") + 1)
    assert (past.hits, past.recent_hits) == (1, 0)
    assert past.recommendation == Recommendation.LIFT
    # 2026-10-01 to 2026-11-19 is 49 days
    assert past.reason == "no new signal in 49 days, no port-control hit in the last 30 days"


# --- observation period and lifting ---------------------------------------------------------------------------------


async def test_a_warning_observed_fewer_days_than_the_setting_is_kept_then_lifted(g):
    assert g.settings.warning_observation_days == 30
    warning = await issue(g)
    young = await evaluate(g, warning.id, now=ISSUED + 29 * DAY)
    assert young.recommendation == Recommendation.KEEP
    assert young.reason == "in force for 29 of the 30 days a warning is observed before lifting"
    old = await evaluate(g, warning.id, now=ISSUED + 30 * DAY)
    assert old.recommendation == Recommendation.LIFT
    assert old.reason == "no new signal in 30 days, no port-control hit in the last 30 days"
    assert (old.signals_before, old.signals_after, old.hits, old.recent_hits, old.recalls) == (["SIG0"], [], 0, 0, [])


async def test_the_observation_period_follows_the_setting(g):
    short = Graph(g.driver, g.settings.model_copy(update={"warning_observation_days": 7}))
    warning = await issue(short)
    assert (await evaluate(short, warning.id, now=ISSUED + 6 * DAY)).reason == (
        "in force for 6 of the 7 days a warning is observed before lifting"
    )
    assert (await evaluate(short, warning.id, now=ISSUED + 7 * DAY)).recommendation == Recommendation.LIFT


async def test_the_keep_reason_never_claims_the_full_observation_period(g):
    warning = await issue(g)
    e = await evaluate(g, warning.id, now=ISSUED + 29 * DAY + DAY // 2)  # 29.5 days
    assert e.recommendation == Recommendation.KEEP
    assert "in force for 30 of the 30 days" not in e.reason


async def test_a_lifted_warning_is_shown_as_lifted_whatever_happened_since(g):
    await load(
        g,
        risk_signal("SIGA", {"batch": "TB"}, received_at="2026-10-20T00:00:00Z"),
        shipment("S1", "TB", "R1", quantity=5, from_="IMP", shipped_at="2026-10-20", direction="IMPORT", port="CNTAO"),
    )
    warning = await issue(g)
    lifted = await warnings.lift(g, warning.id, "contained", by="chief-li", now=ISSUED + 10 * DAY)
    assert lifted.status == WarningStatus.LIFTED
    e = await evaluate(g, warning.id, now=ISSUED + 25 * DAY)
    assert e.warning.status == WarningStatus.LIFTED
    assert e.signals_after == ["SIGA"]
    assert e.hits == 0  # the import of 2026-10-20 came after liftedAt (2026-10-11)
    assert e.recommendation == Recommendation.LIFT
    assert e.reason == "lifted on 2026-10-11T00:00:00Z; shown for the record"


async def test_evaluating_an_unknown_warning_is_not_found(g):
    with pytest.raises(NotFound) as error:
        await evaluate(g, "W-NOPE", now=ISSUED)
    assert error.value.ident == "W-NOPE"
