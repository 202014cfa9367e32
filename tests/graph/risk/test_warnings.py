"""Warnings of contract/risk.graphql: issue (grade from the signals' assessments, overrides with a reason, target
checks), adjust, lift and measures with their history; port control: the hits of each kind of target and what
must not match, the [effectiveFrom, liftedAt) window, the order, hits of shipments imported later, hits seen from
a shipment; checkDeclaration."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

import pytest

from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.risk.assessment import WarningGrade
from graph.risk.port_control import check_declaration, shipment_hits, warning_hits
from graph.risk.warnings import (
    MeasureKind,
    MeasureStatus,
    Targets,
    WarningStatus,
    adjust,
    by_ids,
    confirm,
    issue,
    lift,
    listing,
    set_measure,
)
from seed.builders import risk_signal
from tests.conftest import batch, enterprise, load, product, shipment


def ms(text: str) -> int:
    """Epoch milliseconds of an ISO instant (test arithmetic, not the code under test)."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


T0 = ms("2026-04-01T00:00:00+00:00")  # when the warnings of these tests are issued
T1 = ms("2026-05-01T00:00:00+00:00")  # when they are lifted
HOUR = 3_600_000

I, II, III, IV = WarningGrade.I, WarningGrade.II, WarningGrade.III, WarningGrade.IV  # noqa: E741 - Roman numerals
PORT, INSPECT, RECALL, SEIZE = (
    MeasureKind.PORT_CONTROL,
    MeasureKind.TIGHTENED_INSPECTION,
    MeasureKind.RECALL,
    MeasureKind.SEIZURE,
)


# Producers M and M2; importer IMP, exporter EXP, domestic consignee D.
# B-NZ: milk powder (HS 1901101000) made by M in NZ; B-DE: toy (HS 9503000000) made by M2 in DE;
# B-CN: cream (HS 0402210000) made by M2, no origin country.
# Signals, with no consignees anywhere (narrow): SERIOUS -> II, HIGH -> III, MEDIUM -> IV, LOW -> IV.
OVERSEAS: dict[str, str] = {"source": "OVERSEAS_NOTIFICATION", "received_at": "2026-03-30"}
GRAPH = (
    enterprise("M", country="CN"),
    enterprise("M2"),
    enterprise("IMP"),
    enterprise("EXP"),
    enterprise("D"),
    product("P-MILK", hsCode="1901101000"),
    product("P-TOY", hsCode="9503000000", category="TOY"),
    product("P-CREAM", hsCode="0402210000"),
    batch("B-NZ", product="P-MILK", producer="M", originCountry="NZ"),
    batch("B-DE", product="P-TOY", producer="M2", originCountry="DE"),
    batch("B-CN", product="P-CREAM", producer="M2"),
    risk_signal("SIG-SERIOUS", {"batch": "B-NZ"}, 4, 0.5, **OVERSEAS),  # SERIOUS
    risk_signal("SIG-HIGH", {"batch": "B-NZ"}, 1, 0.5, **OVERSEAS),  # HIGH
    risk_signal("SIG-MEDIUM", {"batch": "B-DE"}, 1, 0.1, **OVERSEAS),  # MEDIUM
    risk_signal("SIG-LOW", {"batch": "B-DE"}, 1, 0.001, **OVERSEAS),  # LOW
)


def port_shipment(id: str, batch_id: str, direction: str, shipped_at: str, from_: str = "M", to: str = "IMP"):  # type: ignore[no-untyped-def]
    extra = {"port": "CNTAO"} if direction != "DOMESTIC" else {}
    return shipment(id, batch_id, to, from_=from_, shipped_at=shipped_at, direction=direction, **extra)


# All in the window of a warning issued at T0.
SHIPMENTS = (
    port_shipment("S-NZ-IMP", "B-NZ", "IMPORT", "2026-04-10"),
    port_shipment("S-NZ-DOM", "B-NZ", "DOMESTIC", "2026-04-10", to="D"),
    port_shipment("S-DE-EXP", "B-DE", "EXPORT", "2026-04-11", from_="M2", to="EXP"),
    port_shipment("S-CN-IMP", "B-CN", "IMPORT", "2026-04-12"),  # sent by M, but produced by M2
)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *GRAPH, *SHIPMENTS)
    return db


async def warn(g: Graph, targets: Targets, measures=(PORT, INSPECT), signals=("SIG-SERIOUS",), **kw: Any):  # type: ignore[no-untyped-def]
    kw.setdefault("now", T0)
    kw.setdefault("by", "officer-a")
    warning, _ = await issue(g, list(signals), targets, list(measures), **kw)
    if warning.status == WarningStatus.PROPOSED:  # a grade I or II: in force once a second officer confirms it
        warning = await confirm(g, warning.id, by="officer-second", now=kw["now"])
    return warning


# --- issue ------------------------------------------------------------------------------------------------------


async def test_grade_defaults_to_the_most_severe_assessed_grade(g: Graph) -> None:
    w, assessments = await issue(
        g, ["SIG-LOW", "SIG-HIGH", "SIG-SERIOUS", "SIG-MEDIUM"], Targets(batch_ids=("B-NZ",)), [PORT], now=T0
    )
    # Assessed: LOW IV, HIGH III, SERIOUS II, MEDIUM IV (narrow): the most severe is II.
    assert [(a.signal.id, a.grade) for a in assessments] == [
        ("SIG-LOW", IV),
        ("SIG-HIGH", III),
        ("SIG-SERIOUS", II),
        ("SIG-MEDIUM", IV),
    ]
    # Four eyes: a grade II is proposed, in force once a second officer confirms it.
    assert (w.grade, w.assessed_grade, w.colour, w.status) == (II, II, "orange", WarningStatus.PROPOSED)
    assert (w.effective_from_ms, w.lifted_at_ms) == (T0, None)
    assert set(w.signal_ids) == {"SIG-LOW", "SIG-HIGH", "SIG-SERIOUS", "SIG-MEDIUM"}
    w2, _ = await issue(g, ["SIG-LOW", "SIG-MEDIUM", "SIG-HIGH"], Targets(batch_ids=("B-NZ",)), [PORT], now=T0)
    assert (w2.grade, w2.colour) == (III, "yellow")  # IV, IV, III -> III


async def test_a_second_active_warning_on_the_same_signals_and_targets_is_refused_naming_the_first(g: Graph) -> None:
    first = await warn(g, Targets(batch_ids=("B-NZ",), origin_countries=("NZ",)), signals=("SIG-SERIOUS", "SIG-HIGH"))
    with pytest.raises(BadInput, match=rf"warning {first.id} \(grade II, in force since .*\) is already active") as err:
        # the same signals and targets in another order
        await warn(g, Targets(origin_countries=("NZ",), batch_ids=("B-NZ",)), signals=("SIG-HIGH", "SIG-SERIOUS"))
    assert err.value.argument == "targets"
    # other targets, other signals, or once the first is lifted: a warning of its own
    await warn(g, Targets(batch_ids=("B-NZ",)), signals=("SIG-SERIOUS", "SIG-HIGH"))
    await warn(g, Targets(batch_ids=("B-NZ",), origin_countries=("NZ",)), signals=("SIG-SERIOUS",))
    await lift(g, first.id, "contained", now=T0 + 1)
    again = await warn(
        g, Targets(batch_ids=("B-NZ",), origin_countries=("NZ",)), signals=("SIG-SERIOUS", "SIG-HIGH"), now=T0 + 2
    )
    assert again.id != first.id


async def test_issue_is_stored_with_its_history(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)), by="officer-a")
    (stored,) = await by_ids(g, [w.id])
    assert stored == w
    assert len(w.history) == 2  # issued, then confirmed by a second officer (grade II)
    assert "confirmed" in w.history[1] and "officer-second" in w.history[1]
    line = w.history[0]
    assert line.startswith("2026-04-01T00:00:00")  # when
    assert "issued" in line and "officer-a" in line and "II" in line  # what, who, the grade
    assert (w.events[0].action, w.events[0].by, w.events[0].at_ms, w.events[0].to_grade) == (
        "ISSUED",
        "officer-a",
        T0,
        "II",
    )


async def test_an_override_without_a_reason_is_refused(g: Graph) -> None:
    for reason in (None, "", "   "):
        with pytest.raises(BadInput) as err:
            await warn(g, Targets(batch_ids=("B-NZ",)), grade=I, reason=reason)
        assert err.value.argument == "reason"
    assert await listing(g, None, 100) == []  # nothing stored


async def test_an_override_with_a_reason_is_accepted_and_kept(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)), grade=I, reason="infant formula: a vulnerable group")
    assert (w.grade, w.assessed_grade, w.colour) == (I, II, "red")
    assert w.events[0].reason == "infant formula: a vulnerable group"
    assert "infant formula: a vulnerable group" in w.history[0]
    # A milder grade than assessed is an override too (on other signals: the first warning is still active).
    w2 = await warn(
        g, Targets(batch_ids=("B-NZ",)), grade=IV, reason="already withdrawn from sale", signals=("SIG-HIGH",)
    )
    assert (w2.grade, w2.assessed_grade) == (IV, III)


async def test_giving_the_assessed_grade_needs_no_reason(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)), grade=II)
    assert (w.grade, w.assessed_grade) == (II, II)


async def test_an_unknown_signal_is_not_found(g: Graph) -> None:
    with pytest.raises(NotFound) as err:
        await warn(g, Targets(batch_ids=("B-NZ",)), signals=("SIG-SERIOUS", "SIG-NOPE"))
    assert (err.value.argument, err.value.ident) == ("signalIds", "SIG-NOPE")
    assert await listing(g, None, 100) == []


async def test_no_signals_is_bad_input(g: Graph) -> None:
    with pytest.raises(BadInput) as err:
        await warn(g, Targets(batch_ids=("B-NZ",)), signals=())
    assert err.value.argument == "signalIds"


async def test_empty_targets_are_bad_input(g: Graph) -> None:
    for empty in (Targets(), Targets(batch_ids=(), product_ids=(), origin_countries=())):
        with pytest.raises(BadInput) as err:
            await warn(g, empty)
        assert err.value.argument == "targets"
    assert await listing(g, None, 100) == []


@pytest.mark.parametrize(
    ("targets", "argument", "ident"),
    [
        (Targets(batch_ids=("B-NZ", "B-NOPE")), "targets.batchIds", "B-NOPE"),
        (Targets(product_ids=("P-NOPE",)), "targets.productIds", "P-NOPE"),
        (Targets(enterprise_ids=("M", "E-NOPE")), "targets.enterpriseIds", "E-NOPE"),
        (Targets(batch_ids=("P-MILK",)), "targets.batchIds", "P-MILK"),  # a product id is not a batch id
    ],
)
async def test_unknown_target_ids_are_not_found(g: Graph, targets: Targets, argument: str, ident: str) -> None:
    with pytest.raises(NotFound) as err:
        await warn(g, targets)
    assert (err.value.argument, err.value.ident) == (argument, ident)
    assert await listing(g, None, 100) == []


@pytest.mark.parametrize(
    ("targets", "argument"),
    [
        (Targets(hs_code_prefixes=("1",)), "targets.hsCodePrefixes"),  # fewer than 2 digits
        (Targets(hs_code_prefixes=("19011010001",)), "targets.hsCodePrefixes"),  # more than 10
        (Targets(hs_code_prefixes=("19A1",)), "targets.hsCodePrefixes"),
        (Targets(hs_code_prefixes=("1901", "")), "targets.hsCodePrefixes"),
        (Targets(hs_code_prefixes=("19.01",)), "targets.hsCodePrefixes"),
        (Targets(origin_countries=("XX",)), "targets.originCountries"),
        (Targets(origin_countries=("NZL",)), "targets.originCountries"),
        (Targets(origin_countries=("",)), "targets.originCountries"),
    ],
)
async def test_bad_hs_prefix_or_country_is_bad_input(g: Graph, targets: Targets, argument: str) -> None:
    with pytest.raises(BadInput) as err:
        await warn(g, targets)
    assert err.value.argument == argument
    assert await listing(g, None, 100) == []


async def test_a_lower_case_country_is_refused_or_matches(g: Graph) -> None:
    try:
        w = await warn(g, Targets(origin_countries=("nz",)))
    except BadInput as err:
        assert err.argument == "targets.originCountries"
        return
    assert [h.shipment.id for h in await warning_hits(g, w.id)] == ["S-NZ-IMP"]


# --- adjust, lift, measures ---------------------------------------------------------------------------------


async def test_adjust_changes_the_grade_and_records_from_to_and_reason(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    proposed = await adjust(g, w.id, I, "cases in three provinces", by="chief-b", now=T0 + HOUR)
    # Four eyes: grade I is proposed; the warning stays in force at grade II until a second officer confirms.
    assert (proposed.grade, proposed.proposed_grade, proposed.status) == (II, I, WarningStatus.PROPOSED)
    adjusted = await confirm(g, w.id, by="chief-c", now=T0 + 2 * HOUR)
    assert (adjusted.grade, adjusted.colour, adjusted.assessed_grade, adjusted.status) == (
        I,
        "red",
        II,
        WarningStatus.ACTIVE,
    )
    assert adjusted.effective_from_ms == T0  # it was in force all along
    e = adjusted.events[2]
    assert (e.action, e.by, e.at_ms, e.from_grade, e.to_grade, e.reason) == (
        "PROPOSED",
        "chief-b",
        T0 + HOUR,
        "II",
        "I",
        "cases in three provinces",
    )
    assert [(x.action, x.by) for x in adjusted.events[3:]] == [("CONFIRMED", "chief-c")]
    lower = await adjust(g, w.id, III, "contained", by="chief-b", now=T0 + 3 * HOUR)
    e = lower.events[4]
    assert (lower.grade, lower.status, e.action, e.from_grade, e.to_grade) == (
        III,
        WarningStatus.ACTIVE,
        "ADJUSTED",
        "I",
        "III",
    )
    line = adjusted.history[2]
    assert line.startswith("2026-04-01T01:00:00")
    assert "chief-b" in line and "cases in three provinces" in line
    assert re.search(r"\bII\b.*\bI\b", line)  # from II, then to I
    assert (await by_ids(g, [w.id]))[0] == lower


async def test_adjusting_to_the_same_grade_is_refused(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    with pytest.raises(BadInput) as err:
        await adjust(g, w.id, II, "no change", by="chief-b")
    assert err.value.argument == "grade"
    assert (await by_ids(g, [w.id]))[0] == w


async def test_adjusting_without_a_reason_is_refused(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    with pytest.raises(BadInput) as err:
        await adjust(g, w.id, I, "  ", by="chief-b")
    assert err.value.argument == "reason"
    assert (await by_ids(g, [w.id]))[0] == w


async def test_adjusting_a_lifted_warning_is_refused(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    lifted = await lift(g, w.id, "recalled", by="chief-b", now=T1)
    with pytest.raises(BadInput) as err:
        await adjust(g, w.id, I, "too late", by="chief-b")
    assert err.value.argument == "id"
    assert (await by_ids(g, [w.id]))[0] == lifted


async def test_adjusting_or_lifting_an_unknown_warning_is_not_found(g: Graph) -> None:
    with pytest.raises(NotFound) as err:
        await adjust(g, "W-NOPE", I, "why")
    assert (err.value.argument, err.value.ident) == ("id", "W-NOPE")
    with pytest.raises(NotFound) as err:
        await lift(g, "W-NOPE", "why")
    assert (err.value.argument, err.value.ident) == ("id", "W-NOPE")


async def test_lift_sets_status_and_lifted_at_and_the_history_keeps_every_step_in_order(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)), by="officer-a")
    await adjust(g, w.id, III, "cases in one province only", by="chief-b", now=T0 + HOUR)
    lifted = await lift(g, w.id, "all lots recalled and destroyed", by="chief-c", now=T1)
    assert (lifted.status, lifted.lifted_at_ms, lifted.grade) == (WarningStatus.LIFTED, T1, III)
    assert [(e.action, e.by, e.at_ms) for e in lifted.events] == [
        ("ISSUED", "officer-a", T0),
        ("CONFIRMED", "officer-second", T0),
        ("ADJUSTED", "chief-b", T0 + HOUR),
        ("LIFTED", "chief-c", T1),
    ]
    assert lifted.events[3].reason == "all lots recalled and destroyed"
    issued, _, adjusted, lifted_line = lifted.history
    assert issued.startswith("2026-04-01T00:00:00") and "officer-a" in issued
    assert adjusted.startswith("2026-04-01T01:00:00") and "chief-b" in adjusted
    assert lifted_line.startswith("2026-05-01T00:00:00") and "chief-c" in lifted_line
    assert "lifted" in lifted_line and "all lots recalled and destroyed" in lifted_line
    assert (await by_ids(g, [w.id]))[0] == lifted


async def test_lifting_twice_or_without_a_reason_is_refused(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    with pytest.raises(BadInput) as err:
        await lift(g, w.id, "", by="chief-c")
    assert err.value.argument == "reason"
    lifted = await lift(g, w.id, "done", by="chief-c", now=T1)
    with pytest.raises(BadInput) as err:
        await lift(g, w.id, "again", by="chief-c")
    assert err.value.argument == "id"
    assert (await by_ids(g, [w.id]))[0] == lifted


async def test_two_officers_lifting_at_once_lift_it_once(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    results = await asyncio.gather(
        lift(g, w.id, "first", by="chief-b"), lift(g, w.id, "second", by="chief-c"), return_exceptions=True
    )
    lifted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(lifted) == 1 and len(refused) == 1
    assert isinstance(refused[0], BadInput) and refused[0].argument == "id"
    (stored,) = await by_ids(g, [w.id])
    assert [e.action for e in stored.events] == ["ISSUED", "CONFIRMED", "LIFTED"]


async def test_concurrent_adjustments_chain_their_from_and_to(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    await asyncio.gather(adjust(g, w.id, IV, "much better", by="chief-b"), adjust(g, w.id, III, "better", by="chief-c"))
    (stored,) = await by_ids(g, [w.id])
    _, _, first, second = stored.events  # issued, confirmed, then both adjustments: none lost
    assert first.from_grade == "II" and second.from_grade == first.to_grade
    assert stored.grade.value == second.to_grade


async def test_measures_start_planned_and_move_on_with_their_status(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)), measures=(PORT, RECALL, PORT), by="officer-a")
    # Duplicates collapse; each measure starts PLANNED, by the issuer, at issue time.
    assert [(m.kind, m.status, m.by, m.updated_at_ms) for m in w.measures] == [
        (PORT, MeasureStatus.PLANNED, "officer-a", T0),
        (RECALL, MeasureStatus.PLANNED, "officer-a", T0),
    ]
    moved = await set_measure(g, w.id, PORT, MeasureStatus.IN_PROGRESS, "Qingdao port notified", "chief-b", T0 + HOUR)
    assert [(m.kind, m.status) for m in moved.measures] == [
        (PORT, MeasureStatus.IN_PROGRESS),
        (RECALL, MeasureStatus.PLANNED),
    ]
    port = moved.measures[0]
    assert (port.by, port.updated_at_ms, port.note) == ("chief-b", T0 + HOUR, "Qingdao port notified")
    added = await set_measure(g, w.id, SEIZE, MeasureStatus.PLANNED, None, "chief-b", T0 + 2 * HOUR)
    assert [(m.kind, m.status) for m in added.measures] == [
        (PORT, MeasureStatus.IN_PROGRESS),
        (RECALL, MeasureStatus.PLANNED),
        (SEIZE, MeasureStatus.PLANNED),
    ]
    assert [e.action for e in added.events] == ["ISSUED", "CONFIRMED", "MEASURE", "MEASURE"]
    assert "PORT_CONTROL" in added.history[2] and "IN_PROGRESS" in added.history[2] and "chief-b" in added.history[2]
    assert "SEIZURE" in added.history[3]
    assert (await by_ids(g, [w.id]))[0] == added


async def test_set_measure_on_an_unknown_warning_is_not_found(g: Graph) -> None:
    with pytest.raises(NotFound):
        await set_measure(g, "W-NOPE", PORT, MeasureStatus.DONE)


# --- port control ---------------------------------------------------------------------------------------------


def hits_view(hits) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    return [(h.shipment.id, sorted(h.matched_on)) for h in hits]


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        pytest.param(Targets(batch_ids=("B-NZ",)), [("S-NZ-IMP", ["batchIds:B-NZ"])], id="batch"),
        pytest.param(Targets(product_ids=("P-TOY",)), [("S-DE-EXP", ["productIds:P-TOY"])], id="product"),
        # M sent S-CN-IMP, but M2 produced its batch: enterpriseIds matches the producer only.
        pytest.param(Targets(enterprise_ids=("M",)), [("S-NZ-IMP", ["enterpriseIds:M"])], id="producer-M"),
        pytest.param(
            Targets(enterprise_ids=("M2",)),
            [("S-DE-EXP", ["enterpriseIds:M2"]), ("S-CN-IMP", ["enterpriseIds:M2"])],
            id="producer-M2",
        ),
        pytest.param(Targets(hs_code_prefixes=("1901",)), [("S-NZ-IMP", ["hsCodePrefixes:1901"])], id="hs-1901"),
        pytest.param(Targets(hs_code_prefixes=("04",)), [("S-CN-IMP", ["hsCodePrefixes:04"])], id="hs-04"),
        pytest.param(
            Targets(hs_code_prefixes=("9503000000",)), [("S-DE-EXP", ["hsCodePrefixes:9503000000"])], id="hs-full"
        ),
        pytest.param(Targets(hs_code_prefixes=("1902", "0401")), [], id="hs-other"),
        pytest.param(Targets(origin_countries=("NZ",)), [("S-NZ-IMP", ["originCountries:NZ"])], id="country-NZ"),
        pytest.param(Targets(origin_countries=("FR", "CN")), [], id="country-other"),  # B-CN has no origin
        pytest.param(
            Targets(
                batch_ids=("B-NZ",),
                product_ids=("P-TOY",),
                hs_code_prefixes=("19", "1901"),
                origin_countries=("NZ",),
            ),
            [
                ("S-NZ-IMP", ["batchIds:B-NZ", "hsCodePrefixes:19", "hsCodePrefixes:1901", "originCountries:NZ"]),
                ("S-DE-EXP", ["productIds:P-TOY"]),
            ],
            id="several",
        ),
    ],
)
async def test_port_control_hits_for_each_kind_of_target(
    g: Graph, targets: Targets, expected: list[tuple[str, list[str]]]
) -> None:
    w = await warn(g, targets, measures=(PORT, INSPECT))
    hits = await warning_hits(g, w.id)
    # S-NZ-DOM (DOMESTIC) never hits; ordered by shippedAt: NZ 04-10, DE 04-11, CN 04-12.
    assert hits_view(hits) == expected
    for h in hits:
        assert h.warning.id == w.id
        assert h.measures == [PORT, INSPECT]
        assert h.shipment.direction in ("IMPORT", "EXPORT")


async def test_a_domestic_shipment_is_never_a_hit(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    assert "S-NZ-DOM" not in [h.shipment.id for h in await warning_hits(g, w.id)]
    assert await shipment_hits(g, ["S-NZ-DOM"]) == [[]]


async def test_hits_respect_effective_from_and_lifted_at(db: Graph) -> None:
    await load(
        db,
        *GRAPH,
        port_shipment("S-BEFORE", "B-NZ", "IMPORT", "2026-03-31T23:59:59Z"),
        port_shipment("S-AT-FROM", "B-NZ", "IMPORT", "2026-04-01T08:00:00+08:00"),  # = T0 exactly
        port_shipment("S-INSIDE", "B-NZ", "EXPORT", "2026-04-15"),
        port_shipment("S-JUST-BEFORE-LIFT", "B-NZ", "IMPORT", "2026-04-30T23:59:59.999Z"),
        port_shipment("S-AT-LIFT", "B-NZ", "IMPORT", "2026-05-01T00:00:00Z"),  # = T1: not before liftedAt
        port_shipment("S-LATE", "B-NZ", "IMPORT", "2026-06-01"),
    )
    w = await warn(db, Targets(batch_ids=("B-NZ",)))
    active = [h.shipment.id for h in await warning_hits(db, w.id)]
    assert active == ["S-AT-FROM", "S-INSIDE", "S-JUST-BEFORE-LIFT", "S-AT-LIFT", "S-LATE"]
    await lift(db, w.id, "done", now=T1)
    lifted = [h.shipment.id for h in await warning_hits(db, w.id)]
    assert lifted == ["S-AT-FROM", "S-INSIDE", "S-JUST-BEFORE-LIFT"]


async def test_hits_are_ordered_by_shipped_instant_then_shipment_id(db: Graph) -> None:
    await load(
        db,
        *GRAPH,
        port_shipment("S-3", "B-NZ", "IMPORT", "2026-04-10T02:00:00Z"),
        # 09:00 in Shanghai is 01:00 UTC: earlier than S-3 although its text sorts after it.
        port_shipment("S-9", "B-NZ", "IMPORT", "2026-04-10T09:00:00+08:00"),
        port_shipment("S-B", "B-NZ", "EXPORT", "2026-04-12"),
        port_shipment("S-A", "B-NZ", "IMPORT", "2026-04-12T00:00:00Z"),  # the same instant as S-B
        port_shipment("S-0", "B-NZ", "IMPORT", "2026-04-20"),
    )
    w = await warn(db, Targets(batch_ids=("B-NZ",)))
    assert [h.shipment.id for h in await warning_hits(db, w.id)] == ["S-9", "S-3", "S-A", "S-B", "S-0"]


async def test_a_matching_shipment_imported_while_the_warning_is_active_is_a_hit_at_once(g: Graph) -> None:
    w = await warn(g, Targets(origin_countries=("NZ",)))
    assert [h.shipment.id for h in await warning_hits(g, w.id)] == ["S-NZ-IMP"]
    await load(g, port_shipment("S-NEW", "B-NZ", "IMPORT", "2026-04-20"))
    assert [h.shipment.id for h in await warning_hits(g, w.id)] == ["S-NZ-IMP", "S-NEW"]
    (hits,) = await shipment_hits(g, ["S-NEW"])
    assert [(h.warning.id, h.matched_on, h.shipment.id, h.measures) for h in hits] == [
        (w.id, ["originCountries:NZ"], "S-NEW", [PORT, INSPECT])
    ]


async def test_shipment_hits_list_the_warnings_in_force_when_it_was_shipped(db: Graph) -> None:
    await load(
        db,
        *GRAPH,
        *SHIPMENTS,
        port_shipment("S-EARLY", "B-NZ", "IMPORT", "2026-03-01"),
        port_shipment("S-LATE", "B-NZ", "IMPORT", "2026-06-01"),
    )
    by_batch = await warn(db, Targets(batch_ids=("B-NZ",)))
    by_hs = await warn(db, Targets(hs_code_prefixes=("1901", "04")))
    await warn(db, Targets(product_ids=("P-TOY",)))  # matches none of the NZ shipments
    await lift(db, by_batch.id, "done", now=T1)
    result = await shipment_hits(db, ["S-NZ-IMP", "S-EARLY", "S-LATE", "S-NZ-DOM", "S-CN-IMP", "S-NOPE"])
    views = [sorted((h.warning.id, tuple(h.matched_on)) for h in hits) for hits in result]
    assert views == [
        # 04-10: in force for both (the lifted one was in force then).
        sorted([(by_batch.id, ("batchIds:B-NZ",)), (by_hs.id, ("hsCodePrefixes:1901",))]),
        [],  # before both took effect
        [(by_hs.id, ("hsCodePrefixes:1901",))],  # after the first was lifted
        [],  # DOMESTIC
        [(by_hs.id, ("hsCodePrefixes:04",))],
        [],  # unknown shipment
    ]


async def test_hits_of_an_unknown_warning_are_not_found(g: Graph) -> None:
    with pytest.raises(NotFound) as err:
        await warning_hits(g, "W-NOPE")
    assert (err.value.argument, err.value.ident) == ("warningId", "W-NOPE")


# --- checkDeclaration -------------------------------------------------------------------------------------------


async def count_nodes(g: Graph) -> int:
    return (await g.read("testing/count_nodes"))[0]["nodes"]


@pytest.mark.parametrize(
    ("targets", "batch_id", "matched"),
    [
        pytest.param(Targets(batch_ids=("B-NZ",)), "B-NZ", ["batchIds:B-NZ"], id="batch"),
        pytest.param(Targets(product_ids=("P-MILK",)), "B-NZ", ["productIds:P-MILK"], id="product"),
        pytest.param(Targets(enterprise_ids=("M2",)), "B-CN", ["enterpriseIds:M2"], id="producer"),
        pytest.param(Targets(hs_code_prefixes=("9503",)), "B-DE", ["hsCodePrefixes:9503"], id="hs"),
        pytest.param(Targets(origin_countries=("DE",)), "B-DE", ["originCountries:DE"], id="country"),
        pytest.param(Targets(batch_ids=("B-NZ",)), "B-DE", [], id="other-batch"),
        pytest.param(Targets(enterprise_ids=("M",)), "B-CN", [], id="other-producer"),
        pytest.param(Targets(hs_code_prefixes=("1902",)), "B-NZ", [], id="other-hs"),
        pytest.param(Targets(origin_countries=("AU",)), "B-NZ", [], id="other-country"),
    ],
)
async def test_check_declaration_matches_each_kind_of_target(
    g: Graph, targets: Targets, batch_id: str, matched: list[str]
) -> None:
    w = await warn(g, targets, measures=(SEIZE,))
    before = await count_nodes(g)
    for direction in ("IMPORT", "EXPORT"):
        hits = await check_declaration(g, batch_id, direction, "2026-04-20T10:00:00+08:00")
        assert [(h.warning.id, h.matched_on, h.measures) for h in hits] == (
            [(w.id, matched, [SEIZE])] if matched else []
        )
        assert all(h.shipment is None for h in hits)
    assert await count_nodes(g) == before  # nothing stored


async def test_check_declaration_of_a_domestic_movement_has_no_hits(g: Graph) -> None:
    await warn(g, Targets(batch_ids=("B-NZ",)))
    assert await check_declaration(g, "B-NZ", "DOMESTIC", "2026-04-20") == []


async def test_check_declaration_ignores_lifted_warnings(g: Graph) -> None:
    w = await warn(g, Targets(batch_ids=("B-NZ",)))
    assert len(await check_declaration(g, "B-NZ", "IMPORT", "2026-04-20")) == 1
    await lift(g, w.id, "done", now=T1)
    assert await check_declaration(g, "B-NZ", "IMPORT", "2026-04-20") == []  # even inside its old window
    assert await check_declaration(g, "B-NZ", "IMPORT", "2026-06-01") == []


async def test_check_declaration_lists_every_active_warning_that_matches(g: Graph) -> None:
    a = await warn(g, Targets(batch_ids=("B-NZ",)))
    b = await warn(g, Targets(origin_countries=("NZ",), hs_code_prefixes=("19",)))
    await warn(g, Targets(batch_ids=("B-DE",)))
    hits = await check_declaration(g, "B-NZ", "IMPORT", "2026-04-20")
    assert sorted((h.warning.id, tuple(sorted(h.matched_on))) for h in hits) == sorted(
        [(a.id, ("batchIds:B-NZ",)), (b.id, ("hsCodePrefixes:19", "originCountries:NZ"))]
    )


async def test_check_declaration_applies_the_same_window_as_port_control(g: Graph) -> None:
    await warn(g, Targets(batch_ids=("B-NZ",)))
    assert await check_declaration(g, "B-NZ", "IMPORT", "2026-03-31T23:59:59Z") == []  # before effectiveFrom
    assert len(await check_declaration(g, "B-NZ", "IMPORT", "2026-04-01T00:00:00Z")) == 1  # on it


@pytest.mark.parametrize("direction", ["import", "SEA", "", "IMPORT "])
async def test_check_declaration_refuses_a_bad_direction(g: Graph, direction: str) -> None:
    with pytest.raises(BadInput) as err:
        await check_declaration(g, "B-NZ", direction, "2026-04-20")
    assert err.value.argument == "direction"


@pytest.mark.parametrize("shipped_at", ["tomorrow", "2026-13-01", "", "20/04/2026"])
async def test_check_declaration_refuses_a_bad_shipped_at(g: Graph, shipped_at: str) -> None:
    with pytest.raises(BadInput) as err:
        await check_declaration(g, "B-NZ", "IMPORT", shipped_at)
    assert err.value.argument == "shippedAt"


async def test_check_declaration_of_an_unknown_batch_is_not_found(g: Graph) -> None:
    with pytest.raises(NotFound) as err:
        await check_declaration(g, "B-NOPE", "IMPORT", "2026-04-20")
    assert (err.value.argument, err.value.ident) == ("batchId", "B-NOPE")
