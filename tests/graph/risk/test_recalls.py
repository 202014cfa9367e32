"""Recalls (contract/risk.graphql Recall, RecallConsignee, openRecall, recordRecallReturn): the scope snapshot and
its stability against later imports, deadlines by class over weekends in the recall time zone, returns with their
guard (also under concurrency), effectiveness, consignee statuses, effectiveness checks, progress, the warning a
recall answers, and the progress spreadsheet rows."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from datetime import datetime
from typing import Any

import pytest

from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.recall_scope import recall_scope
from graph.risk import warnings
from graph.risk.recalls import (
    ConsigneeStatus,
    RecallClass,
    RecallProgress,
    RecallStatus,
    add_working_days,
    by_ids,
    close_recall,
    listing,
    mark_notified,
    open_recall,
    record_return,
    report_rows,
)
from seed.builders import risk_signal
from tests.chain import CHAIN, CHAIN_HOLDINGS
from tests.conftest import BASE, batch, enterprise, load, shipment


def ms(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 date-time with its offset."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


HOUR = 3_600_000

# input -> output: SRC -> MID -> FIN, SRC -> SIDE -> FIN; UNREL and ORPHAN stand apart (ORPHAN is never shipped).
# Holdings: W 100 + 50 of SRC; R2 15 of MID; R1 10 of SIDE; FIN (in EA) 20 to R1 and 5 to R2 from W; UNREL to R1.
GRAPH = (
    *BASE,
    enterprise("W", name="Wholesaler"),
    enterprise("R1", name="Retailer One"),
    enterprise("R2", name="Retailer Two"),
    batch("SRC"),
    batch("MID", [("SRC", 40)]),
    batch("SIDE", [("SRC", 10)]),
    batch("FIN", [("MID", 5), ("SIDE", 5)], unit="EA"),
    batch("UNREL"),
    batch("ORPHAN"),
    shipment("S1", "SRC", "W", quantity=100, shipped_at="2026-03-02"),
    shipment("S2", "SRC", "W", quantity=50, shipped_at="2026-03-03"),
    shipment("S3", "MID", "R2", quantity=15),
    shipment("S4", "FIN", "R1", quantity=20, from_="W"),
    shipment("S5", "FIN", "R2", quantity=5, from_="W"),
    shipment("S6", "SIDE", "R1", quantity=10),
    shipment("S7", "UNREL", "R1", quantity=99),
)

# The snapshot of a recall of SRC, by enterprise id then batch id: (enterprise, batch, shipped, unit, depth).
# Nobody forwarded or used what it received (W ships FIN, which it never received: see the mass-balance tests), so
# each line holds what it received: 20 + 5 = 25 EA and 10 + 15 + 150 = 175 KGM, never added together.
SRC_LINES = [
    ("R1", "FIN", 20.0, "EA", 2),
    ("R1", "SIDE", 10.0, "KGM", 1),
    ("R2", "FIN", 5.0, "EA", 2),
    ("R2", "MID", 15.0, "KGM", 1),
    ("W", "SRC", 150.0, "KGM", 0),  # S1 100 + S2 50
]

OPENED = "2026-11-27T10:00:00+08:00"  # a Friday in Asia/Shanghai
START_BY_I = "2026-11-28T10:00:00+08:00"  # + 24 h
FINISH_BY_I = "2026-12-11T10:00:00+08:00"  # 10 working days: Mon 30 Nov .. Fri 4 Dec (5), Mon 7 .. Fri 11 Dec (10)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *GRAPH)
    return db


async def open_src(graph: Graph, recall_class: RecallClass = RecallClass.I, **kwargs: Any):
    return await open_recall(graph, ["SRC"], recall_class, now=ms(OPENED), **kwargs)


def line_tuples(recall) -> list[tuple[str, str, float, str, int]]:
    return [(ln.enterprise_id, ln.batch_id, ln.shipped, ln.unit, ln.depth) for ln in recall.lines]


def line(recall, enterprise_id: str, batch_id: str):
    (found,) = [ln for ln in recall.lines if (ln.enterprise_id, ln.batch_id) == (enterprise_id, batch_id)]
    return found


# --- the snapshot ---------------------------------------------------------------------------------------------


async def test_open_recall_snapshots_affected_batches_with_depths_and_consignees_by_enterprise_then_batch(g):
    recall = await open_src(g, by="coordinator-wu")
    assert recall.recall_class == RecallClass.I
    assert recall.sources == ["SRC"]
    # by depth, then id: SIDE and MID are one hop from SRC, FIN two (through either).
    assert recall.affected == [("SRC", 0), ("MID", 1), ("SIDE", 1), ("FIN", 2)]
    # UNREL's 99 to R1 is not affected; W's two shipments of SRC are summed.
    assert line_tuples(recall) == SRC_LINES
    assert all(ln.returned == 0.0 and ln.notified is False for ln in recall.lines)
    assert recall.opened_at_ms == ms(OPENED)
    assert recall.opened_by == "coordinator-wu"
    assert recall.warning_id is None
    # what by_ids reads back is the same recall
    assert (await by_ids(g, [recall.id]))[0] == recall


async def test_open_recall_with_several_sources_takes_the_shortest_depth_over_all_of_them(g):
    recall = await open_recall(g, ["SIDE", "MID"], RecallClass.II, now=ms(OPENED))
    assert recall.sources == ["SIDE", "MID"]  # the caller's order
    assert recall.affected == [("MID", 0), ("SIDE", 0), ("FIN", 1)]
    assert line_tuples(recall) == [
        ("R1", "FIN", 20.0, "EA", 1),
        ("R1", "SIDE", 10.0, "KGM", 0),
        ("R2", "FIN", 5.0, "EA", 1),
        ("R2", "MID", 15.0, "KGM", 0),
    ]


async def test_later_imports_do_not_move_the_snapshot(g):
    recall = await open_src(g)
    await load(
        g,
        enterprise("R3"),
        batch("NEW", [("FIN", 2)]),  # a new downstream lot, shipped to R1
        shipment("S8", "NEW", "R1", quantity=9),
        shipment("S9", "SRC", "R3", quantity=40),  # a new consignee of the source
        shipment("S10", "FIN", "R1", quantity=1, from_="W"),  # more of an affected lot to a known consignee
        shipment("S1", "SRC", "W", quantity=999, shipped_at="2026-03-02"),  # a shipment corrected (last write wins)
    )
    again = (await by_ids(g, [recall.id]))[0]
    assert again.affected == [("SRC", 0), ("MID", 1), ("SIDE", 1), ("FIN", 2)]
    assert line_tuples(again) == SRC_LINES
    assert [(u.unit, u.shipped, u.on_hand) for u in again.by_unit()] == [("EA", 25.0, 25.0), ("KGM", 175.0, 175.0)]
    # The imports did land: the live scope and a recall opened now see them.
    live = await recall_scope(g, ["SRC"], 10)
    assert ("NEW", 3) in [(t.batch.id, t.depth) for t in live.affected]
    later = await open_src(g)
    assert line_tuples(later) == [
        ("R1", "FIN", 21.0, "EA", 2),  # 20 + 1
        ("R1", "NEW", 9.0, "KGM", 3),
        ("R1", "SIDE", 10.0, "KGM", 1),
        ("R2", "FIN", 5.0, "EA", 2),
        ("R2", "MID", 15.0, "KGM", 1),
        ("R3", "SRC", 40.0, "KGM", 0),
        ("W", "SRC", 1049.0, "KGM", 0),  # 999 + 50
    ]


async def test_a_source_never_shipped_gives_a_recall_without_consignees_and_full_effectiveness(g):
    recall = await open_recall(g, ["ORPHAN"], RecallClass.III, now=ms(OPENED))
    assert recall.affected == [("ORPHAN", 0)]
    assert recall.lines == []
    assert recall.by_unit() == []
    assert recall.effectiveness == 1.0  # nothing is on hand anywhere
    assert await report_rows(g, recall) == []


async def test_the_snapshot_reaches_ten_processing_steps_and_no_further(db):
    # L00 -> L01 -> ... -> L11; L10 (depth 10) and L11 (depth 11) were both shipped to R1.
    chain = [batch("L00"), *(batch(f"L{i:02d}", [(f"L{i - 1:02d}", 1)]) for i in range(1, 12))]
    await load(
        db,
        *BASE,
        enterprise("R1"),
        *chain,
        shipment("S10", "L10", "R1", quantity=3),
        shipment("S11", "L11", "R1", quantity=4),
    )
    recall = await open_recall(db, ["L00"], RecallClass.I, now=ms(OPENED))
    assert recall.affected == [(f"L{i:02d}", i) for i in range(11)]  # depths 0..10
    assert line_tuples(recall) == [("R1", "L10", 3.0, "KGM", 10)]


async def test_open_recall_refuses_unknown_batches_and_an_empty_list(g):
    with pytest.raises(NotFound) as unknown:
        await open_recall(g, ["SRC", "NOPE"], RecallClass.I, now=ms(OPENED))
    assert unknown.value.ident == "NOPE"
    with pytest.raises(BadInput) as empty:
        await open_recall(g, [], RecallClass.I, now=ms(OPENED))
    assert empty.value.argument == "batchIds"
    labels = (await g.read("testing/count_nodes"))[0]["labels"]
    assert "Recall" not in labels and "RecallLine" not in labels


# --- deadlines ----------------------------------------------------------------------------------------------------

# Worked out on a calendar, in Asia/Shanghai local time (UTC+8, no daylight saving). November 2026: Thu 26,
# Fri 27, Sat 28, Sun 29, Mon 30; December: Fri 4, 11, 18, 25; January 2027: Fri 1, Mon 4, Fri 8.
# A weekday opening plus 5n working days lands on the same weekday n weeks later; a weekend opening counts from
# the Monday, so 10 working days end on the second Friday.
DEADLINES = [
    # class I opened on a Friday: startBy Saturday; finishBy two weeks later, Friday 11 Dec.
    (RecallClass.I, "2026-11-27T10:00:00+08:00", "2026-11-28T10:00:00+08:00", "2026-12-11T10:00:00+08:00"),
    # class I opened on a Saturday morning (still Friday 27 Nov 22:00 in UTC): Mon 30 Nov (1) .. Fri 11 Dec (10).
    (RecallClass.I, "2026-11-28T06:00:00+08:00", "2026-11-29T06:00:00+08:00", "2026-12-11T06:00:00+08:00"),
    # class I opened on a Monday morning (still Sunday 29 Nov 23:00 in UTC): Tue 1 Dec (1) .. Mon 14 Dec (10).
    (RecallClass.I, "2026-11-30T07:00:00+08:00", "2026-12-01T07:00:00+08:00", "2026-12-14T07:00:00+08:00"),
    # class II opened on a Thursday: +48 h is Saturday; 20 working days = 4 weeks: Thursday 24 Dec.
    (RecallClass.II, "2026-11-26T15:30:00+08:00", "2026-11-28T15:30:00+08:00", "2026-12-24T15:30:00+08:00"),
    # class II opened on a Sunday: +48 h is Tuesday; Mon 30 Nov (1) .. Fri 4, 11, 18 Dec (15), Fri 25 Dec (20).
    (RecallClass.II, "2026-11-29T10:00:00+08:00", "2026-12-01T10:00:00+08:00", "2026-12-25T10:00:00+08:00"),
    # class III opened on a Saturday: +72 h is Tuesday; Mon 30 Nov (1) .. six weeks of five .. Fri 8 Jan 2027 (30).
    (RecallClass.III, "2026-11-28T09:00:00+08:00", "2026-12-01T09:00:00+08:00", "2027-01-08T09:00:00+08:00"),
    # class III opened late on a Friday: +72 h is Monday 23:59; 30 working days = 6 weeks: Friday 8 Jan 2027.
    (RecallClass.III, "2026-11-27T23:59:00+08:00", "2026-11-30T23:59:00+08:00", "2027-01-08T23:59:00+08:00"),
]


@pytest.mark.parametrize(("recall_class", "opened", "start_by", "finish_by"), DEADLINES)
async def test_deadlines_by_class_count_working_days_in_the_recall_time_zone(
    g, recall_class, opened, start_by, finish_by
):
    assert g.settings.recall_timezone == "Asia/Shanghai"
    recall = await open_recall(g, ["SRC"], recall_class, now=ms(opened))
    assert recall.opened_at_ms == ms(opened)
    assert recall.start_by_ms == ms(start_by)
    assert recall.finish_by_ms == ms(finish_by)


async def test_start_by_is_24_48_72_hours_after_opening(g):
    opened = ms(OPENED)
    found = {c: (await open_recall(g, ["SRC"], c, now=opened)).start_by_ms - opened for c in RecallClass}
    assert found == {RecallClass.I: 24 * HOUR, RecallClass.II: 48 * HOUR, RecallClass.III: 72 * HOUR}


async def test_the_recall_time_zone_setting_decides_which_day_is_a_weekend(g):
    utc = Graph(g.driver, g.settings.model_copy(update={"recall_timezone": "UTC"}))
    # Saturday 06:00 in Shanghai is Friday 22:00 UTC: in UTC the count starts on a Friday, so 10 working days end
    # on Friday 11 Dec 22:00 UTC (Saturday 12 Dec 06:00 in Shanghai).
    recall = await open_recall(utc, ["SRC"], RecallClass.I, now=ms("2026-11-28T06:00:00+08:00"))
    assert recall.finish_by_ms == ms("2026-12-11T22:00:00+00:00")


def test_add_working_days_keeps_the_local_time_across_a_daylight_saving_change():
    # Berlin leaves summer time on Sunday 25 Oct 2026: Fri 23 Oct 10:00 CEST + 10 working days = Fri 6 Nov
    # 10:00 CET (09:00 UTC), not 11:00 CET.
    start = ms("2026-10-23T10:00:00+02:00")
    assert add_working_days(start, 10, "Europe/Berlin") == ms("2026-11-06T10:00:00+01:00")
    # zero working days is the start itself; one from a Friday is the Monday
    assert add_working_days(start, 0, "Europe/Berlin") == start
    assert add_working_days(start, 1, "Europe/Berlin") == ms("2026-10-26T10:00:00+01:00")


# --- returns ------------------------------------------------------------------------------------------------------


async def test_record_return_accumulates_and_marks_the_consignee_notified(g):
    recall = await open_src(g)
    after_one = await record_return(g, recall.id, "R1", "FIN", 5)
    assert line(after_one, "R1", "FIN").returned == 5.0
    assert line(after_one, "R1", "FIN").notified is True
    after_two = await record_return(g, recall.id, "R1", "FIN", 7)
    assert line(after_two, "R1", "FIN").returned == 12.0  # 5 + 7
    assert line(after_two, "R1", "FIN").shipped == 20.0
    # the consignee's other line is untouched, other consignees too
    assert (line(after_two, "R1", "SIDE").returned, line(after_two, "R1", "SIDE").notified) == (0.0, False)
    assert [(ln.enterprise_id, ln.batch_id, ln.returned) for ln in after_two.lines if ln.returned] == [
        ("R1", "FIN", 12.0)
    ]
    per_unit = [(u.unit, u.returned, u.effectiveness) for u in after_two.by_unit()]
    assert per_unit == [("EA", 12.0, 12 / 25), ("KGM", 0, 0)]
    assert after_two.effectiveness == 0.0  # nothing of the 175 KGM came back yet


async def test_a_return_larger_than_what_is_still_out_is_refused_and_changes_nothing(g):
    recall = await open_src(g)
    await record_return(g, recall.id, "R1", "FIN", 12)  # 8 of 20 still out
    with pytest.raises(BadInput) as error:
        await record_return(g, recall.id, "R1", "FIN", 9)
    assert error.value.argument == "quantity"
    # a line never returned nor notified stays so after a refused return: 16 > 15 shipped
    with pytest.raises(BadInput) as first:
        await record_return(g, recall.id, "R2", "MID", 16)
    assert first.value.argument == "quantity"
    again = (await by_ids(g, [recall.id]))[0]
    assert (line(again, "R1", "FIN").returned, line(again, "R1", "FIN").notified) == (12.0, True)
    assert (line(again, "R2", "MID").returned, line(again, "R2", "MID").notified) == (0.0, False)


@pytest.mark.parametrize("quantity", [0, -1, -0.5, float("nan")])
async def test_a_return_must_be_a_positive_quantity(g, quantity):
    recall = await open_src(g)
    with pytest.raises(BadInput) as error:
        await record_return(g, recall.id, "R1", "FIN", quantity)
    assert error.value.argument == "quantity"
    assert line((await by_ids(g, [recall.id]))[0], "R1", "FIN").returned == 0.0


async def test_returning_exactly_what_was_shipped_is_allowed_and_nothing_more(g):
    recall = await open_src(g)
    await record_return(g, recall.id, "R1", "FIN", 15)
    full = await record_return(g, recall.id, "R1", "FIN", 5)  # 15 + 5 = 20, all of it
    assert line(full, "R1", "FIN").returned == 20.0
    assert line(full, "R1", "FIN").status == ConsigneeStatus.RETURNED
    with pytest.raises(BadInput):
        await record_return(g, recall.id, "R1", "FIN", 0.001)


async def test_float_returns_summing_to_what_was_shipped_are_a_full_return(db):
    await load(db, *BASE, enterprise("R1"), batch("TINY"), shipment("S1", "TINY", "R1", quantity=0.3))
    recall = await open_recall(db, ["TINY"], RecallClass.II, now=ms(OPENED))
    await record_return(db, recall.id, "R1", "TINY", 0.1)
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: still all of the 0.3 shipped
    full = await record_return(db, recall.id, "R1", "TINY", 0.2)
    assert line(full, "R1", "TINY").returned == pytest.approx(0.3)
    assert line(full, "R1", "TINY").returned <= 0.3  # never more than shipped
    assert line(full, "R1", "TINY").status == ConsigneeStatus.RETURNED
    assert full.effectiveness == pytest.approx(1.0)
    with pytest.raises(BadInput):
        await record_return(db, recall.id, "R1", "TINY", 0.01)


async def test_the_last_part_of_a_large_float_quantity_can_be_returned(db):
    await load(
        db,
        *BASE,
        enterprise("R1"),
        batch("BULK", quantity=20_000_000),
        shipment("S1", "BULK", "R1", quantity=10_000_000.7),
    )
    recall = await open_recall(db, ["BULK"], RecallClass.II, now=ms(OPENED))
    await record_return(db, recall.id, "R1", "BULK", 10_000_000.4)
    full = await record_return(db, recall.id, "R1", "BULK", 0.3)  # 10 000 000.4 + 0.3 = 10 000 000.7, all of it
    assert line(full, "R1", "BULK").status == ConsigneeStatus.RETURNED


async def test_returns_name_unknown_recalls_and_lines_not_found(g):
    recall = await open_src(g)
    with pytest.raises(NotFound) as unknown_recall:
        await record_return(g, "RC-NOPE", "R1", "FIN", 1)
    assert (unknown_recall.value.ident, unknown_recall.value.argument) == ("RC-NOPE", "recallId")
    # R1 never received MID; R3 is no consignee; UNREL is not in the recall
    for enterprise_id, batch_id in (("R1", "MID"), ("R3", "FIN"), ("R1", "UNREL")):
        with pytest.raises(NotFound) as unknown_line:
            await record_return(g, recall.id, enterprise_id, batch_id, 1)
        assert unknown_line.value.ident == f"{enterprise_id}/{batch_id}"


async def test_concurrent_returns_on_one_line_never_exceed_what_was_shipped(g):
    recall = await open_src(g)
    # W holds 150 of SRC: of eight concurrent returns of 25, six fit (150) and two are refused.
    results = await asyncio.gather(
        *(record_return(g, recall.id, "W", "SRC", 25) for _ in range(8)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 2
    assert all(isinstance(r, BadInput) and r.argument == "quantity" for r in refused)
    final = (await by_ids(g, [recall.id]))[0]
    assert line(final, "W", "SRC").returned == 150.0
    assert [(u.unit, u.returned) for u in final.by_unit()] == [("EA", 0.0), ("KGM", 150.0)]


# --- effectiveness and statuses -----------------------------------------------------------------------------------


async def test_effectiveness_is_the_smallest_of_returned_over_on_hand_per_unit(g):
    recall = await open_src(g)
    assert recall.effectiveness == 0.0
    await record_return(g, recall.id, "R1", "FIN", 20)
    some = await record_return(g, recall.id, "W", "SRC", 70)
    # EA: 20 of 25; KGM: 70 of 175. Never (20 + 70) / 200.
    assert [(u.unit, u.on_hand, u.returned, u.effectiveness) for u in some.by_unit()] == [
        ("EA", 25.0, 20.0, 0.8),
        ("KGM", 175.0, 70.0, 0.4),
    ]
    assert some.effectiveness == 0.4
    await record_return(g, recall.id, "R2", "MID", 15)
    await record_return(g, recall.id, "R1", "SIDE", 10)
    await record_return(g, recall.id, "W", "SRC", 80)
    kgm_done = (await by_ids(g, [recall.id]))[0]
    assert [u.effectiveness for u in kgm_done.by_unit()] == [0.8, 1.0]
    assert kgm_done.effectiveness == 0.8  # EA lags
    done = await record_return(g, recall.id, "R2", "FIN", 5)
    assert done.effectiveness == 1.0


async def test_consignee_status_moves_from_not_notified_to_notified_to_partially_returned_to_returned(g):
    recall = await open_src(g)
    assert {ln.status for ln in recall.lines} == {ConsigneeStatus.NOT_NOTIFIED}
    notified = await mark_notified(g, recall.id, "R1", now=ms(OPENED) + HOUR)
    assert [(ln.enterprise_id, ln.batch_id, ln.status) for ln in notified.lines] == [
        ("R1", "FIN", ConsigneeStatus.NOTIFIED),  # all of R1's lines
        ("R1", "SIDE", ConsigneeStatus.NOTIFIED),
        ("R2", "FIN", ConsigneeStatus.NOT_NOTIFIED),
        ("R2", "MID", ConsigneeStatus.NOT_NOTIFIED),
        ("W", "SRC", ConsigneeStatus.NOT_NOTIFIED),
    ]
    partial = await record_return(g, recall.id, "R2", "MID", 1)
    assert line(partial, "R2", "MID").status == ConsigneeStatus.PARTIALLY_RETURNED
    assert line(partial, "R2", "FIN").status == ConsigneeStatus.NOT_NOTIFIED  # a return notifies its line only
    full = await record_return(g, recall.id, "R2", "MID", 14)  # 1 + 14 = 15
    assert line(full, "R2", "MID").status == ConsigneeStatus.RETURNED
    # marking notified again changes nothing else
    again = await mark_notified(g, recall.id, "R2")
    assert line(again, "R2", "MID").status == ConsigneeStatus.RETURNED
    assert line(again, "R2", "FIN").status == ConsigneeStatus.NOTIFIED


async def test_mark_notified_names_an_unknown_recall_or_consignee(g):
    recall = await open_src(g)
    with pytest.raises(NotFound) as unknown_recall:
        await mark_notified(g, "RC-NOPE", "R1")
    assert unknown_recall.value.argument == "recallId"
    with pytest.raises(NotFound) as unknown_consignee:
        await mark_notified(g, recall.id, "M")  # the producer received nothing
    assert (unknown_consignee.value.ident, unknown_consignee.value.argument) == ("M", "enterpriseId")


@pytest.mark.parametrize(
    ("recall_class", "expected"),
    [
        (RecallClass.I, ("A", 1.0, 3)),  # every one of R1, R2, W
        (RecallClass.II, ("C", 0.10, 1)),  # ceil(10 % of 3 = 0.3) = 1
        (RecallClass.III, ("D", 0.02, 1)),  # ceil(2 % of 3 = 0.06) = 1
    ],
)
async def test_the_effectiveness_check_level_follows_the_class(g, recall_class, expected):
    recall = await open_src(g, recall_class)
    assert recall.check() == expected


async def test_the_effectiveness_check_counts_consignees_not_lines_and_rounds_up(db):
    # 30 consignees, each holding one lot; C1 also holds a second lot (31 lines, 30 consignees)
    consignees = [enterprise(f"C{i:02d}") for i in range(1, 31)]
    shipments = [shipment(f"S{i:02d}", "LOT", f"C{i:02d}", quantity=1) for i in range(1, 31)]
    await load(
        db, *BASE, *consignees, batch("LOT"), batch("OUT", [("LOT", 1)]), *shipments, shipment("SX", "OUT", "C01")
    )
    checks = {c: (await open_recall(db, ["LOT"], c, now=ms(OPENED))).check() for c in RecallClass}
    assert checks == {
        RecallClass.I: ("A", 1.0, 30),
        RecallClass.II: ("C", 0.10, 3),  # 10 % of 30
        RecallClass.III: ("D", 0.02, 1),  # ceil(0.6)
    }
    downstream = await open_recall(db, ["OUT"], RecallClass.I, now=ms(OPENED))
    assert downstream.check() == ("A", 1.0, 1)  # only C01 got OUT
    assert [(u.unit, u.shipped) for u in downstream.by_unit()] == [("KGM", 10.0)]  # the builder's default quantity


# --- progress -----------------------------------------------------------------------------------------------------


async def test_progress_reports_overdue_start_and_finish_against_now(g):
    recall = await open_src(g)
    start_by, finish_by = ms(START_BY_I), ms(FINISH_BY_I)
    assert (recall.start_by_ms, recall.finish_by_ms) == (start_by, finish_by)
    assert recall.progress(start_by) == RecallProgress(
        consignees=3,  # R1, R2, W
        notified=0,
        fully_returned=0,
        effectiveness=0.0,
        start_overdue=False,  # at the deadline, not past it
        finish_overdue=False,
    )
    assert recall.progress(start_by + 1).start_overdue is True
    assert recall.progress(finish_by).finish_overdue is False
    assert recall.progress(finish_by + 1).finish_overdue is True

    await mark_notified(g, recall.id, "W")
    await record_return(g, recall.id, "R1", "FIN", 20)
    partly = (await by_ids(g, [recall.id]))[0]
    assert partly.progress(finish_by + 1) == RecallProgress(
        consignees=3,
        notified=2,  # W marked, R1 by its return
        fully_returned=0,  # R1 still holds 10 of SIDE
        effectiveness=0.0,  # EA 20 / 25, KGM 0 / 175
        start_overdue=False,  # someone was notified
        finish_overdue=True,  # 5 EA and 175 KGM still out
    )

    await record_return(g, recall.id, "R1", "SIDE", 10)
    await record_return(g, recall.id, "R2", "FIN", 5)
    await record_return(g, recall.id, "R2", "MID", 15)
    await record_return(g, recall.id, "W", "SRC", 150)
    done = (await by_ids(g, [recall.id]))[0]
    assert done.progress(finish_by + 1) == RecallProgress(
        consignees=3,
        notified=3,
        fully_returned=3,
        effectiveness=1.0,
        start_overdue=False,
        finish_overdue=False,  # everything came back
    )


async def test_a_recall_with_nothing_shipped_is_never_finish_overdue(g):
    recall = await open_recall(g, ["ORPHAN"], RecallClass.I, now=ms(OPENED))
    assert recall.progress(ms(FINISH_BY_I) + 1).finish_overdue is False


# --- the warning it answers ---------------------------------------------------------------------------------------


async def test_a_recall_opened_under_a_warning_is_linked_to_it(g):
    await load(g, risk_signal("SIG1", {"batch": "SRC"}, source="LAB_FAILURE", received_at="2026-11-20"))
    warning, _ = await warnings.issue(
        g, ["SIG1"], warnings.Targets(batch_ids=("SRC",)), [warnings.MeasureKind.RECALL], now=ms(OPENED) - HOUR
    )
    recall = await open_src(g, warning_id=warning.id)
    assert recall.warning_id == warning.id
    relationships = await g.read("testing/relationships_of", id=recall.id)
    assert [(r["type"], r["outgoing"], r["other"]) for r in relationships if r["type"] == "UNDER"] == [
        ("UNDER", True, warning.id)
    ]


async def test_an_unknown_warning_is_not_found_and_opens_nothing(g):
    with pytest.raises(NotFound) as error:
        await open_src(g, warning_id="W-NOPE")
    assert (error.value.ident, error.value.argument) == ("W-NOPE", "warningId")
    labels = (await g.read("testing/count_nodes"))[0]["labels"]
    assert "Recall" not in labels and "RecallLine" not in labels


# --- the progress spreadsheet -------------------------------------------------------------------------------------


async def test_report_rows_give_one_row_per_consignee_and_batch_with_names_and_the_units_outcome(g):
    recall = await open_src(g, RecallClass.II)
    await record_return(g, recall.id, "R1", "FIN", 20)
    await record_return(g, recall.id, "W", "SRC", 40)
    await mark_notified(g, recall.id, "R2")
    rows = await report_rows(g, (await by_ids(g, [recall.id]))[0])
    got = [
        (r.line.enterprise_id, r.consignee.name, r.line.batch_id, r.product.id, r.line.outstanding, r.line.status)
        for r in rows
    ]
    assert got == [
        ("R1", "Retailer One", "FIN", "P1", 0.0, "RETURNED"),
        ("R1", "Retailer One", "SIDE", "P1", 10.0, "NOT_NOTIFIED"),
        ("R2", "Retailer Two", "FIN", "P1", 5.0, "NOTIFIED"),
        ("R2", "Retailer Two", "MID", "P1", 15.0, "NOTIFIED"),
        ("W", "Wholesaler", "SRC", "P1", 110.0, "PARTIALLY_RETURNED"),  # 150 - 40
    ]
    # Each row carries its unit's outcome in the recall: 20 of 25 EA, 40 of 175 KGM.
    assert [(r.unit.unit, r.unit.effectiveness) for r in rows] == [
        ("EA", 0.8),
        ("KGM", 40 / 175),
        ("EA", 0.8),
        ("KGM", 40 / 175),
        ("KGM", 40 / 175),
    ]


# --- v2: what consignees hold, effectiveness per unit -------------------------------------------------------------


def holding_tuples(recall) -> list[tuple[str, str, float, float, float, float, str]]:
    return [
        (ln.enterprise_id, ln.batch_id, ln.shipped, ln.forwarded, ln.used, ln.on_hand, ln.unit) for ln in recall.lines
    ]


async def test_the_snapshot_keeps_what_each_consignee_forwarded_used_and_held(db):
    await load(db, *CHAIN)
    recall = await open_recall(db, ["POWDER"], RecallClass.I, now=ms(OPENED))
    assert holding_tuples(recall) == CHAIN_HOLDINGS
    # Later records do not move it: IMP's shipment to MAK corrected to 11 000, MAK's premix used in a new lot.
    await load(
        db,
        shipment("C2", "POWDER", "MAK", quantity=11_000, from_="IMP", shipped_at="2026-03-03"),
        batch("CAKE", [("PREMIX", 500)], producer="BAK"),
    )
    assert holding_tuples((await by_ids(db, [recall.id]))[0]) == CHAIN_HOLDINGS


async def test_a_lot_shipped_on_in_full_counts_once_and_a_full_return_of_what_is_held_is_100_percent(db):
    await load(db, *CHAIN)
    recall = await open_recall(db, ["POWDER"], RecallClass.I, now=ms(OPENED))
    assert [(u.unit, u.shipped, u.forwarded, u.used, u.on_hand) for u in recall.by_unit()] == [
        ("EA", 11_520.0, 0.0, 0.0, 11_520.0),
        ("KGM", 49_000.0, 22_000.0, 3_000.0, 24_000.0),  # received at IMP, then again at MAK and BAK
    ]
    for enterprise_id, batch_id, quantity in (
        ("MAK", "POWDER", 10_000),
        ("BAK", "POWDER", 10_000),
        ("BAK", "PREMIX", 4_000),
        ("SHOP", "BREAD", 10_320),
        ("CAFE", "BREAD", 1_200),
    ):
        done = await record_return(db, recall.id, enterprise_id, batch_id, quantity)
    assert [(u.unit, u.returned, u.effectiveness) for u in done.by_unit()] == [
        ("EA", 11_520.0, 1.0),
        ("KGM", 24_000.0, 1.0),  # not 24 000 / 49 000
    ]
    assert done.effectiveness == 1.0
    # IMP held nothing: it owes no return, and the recall is not overdue for it.
    assert line(done, "IMP", "POWDER").status == ConsigneeStatus.NOT_NOTIFIED
    assert line(done, "IMP", "POWDER").outstanding == 0.0
    assert line(done, "BAK", "PREMIX").status == ConsigneeStatus.RETURNED  # 4 000 of 5 000 received: all it held
    progress = done.progress(done.finish_by_ms + 1)
    assert (progress.consignees, progress.fully_returned, progress.finish_overdue) == (5, 4, False)


async def test_units_are_never_added_a_return_of_1200_ea_is_1200_of_11520_ea(db):
    await load(
        db,
        *BASE,
        enterprise("W"),
        enterprise("R1"),
        enterprise("R2"),
        batch("FLOUR", quantity=40_000),
        batch("BUNS", [("FLOUR", 4_000)], quantity=11_520, unit="EA"),
        shipment("S1", "FLOUR", "W", quantity=40_000),
        shipment("S2", "BUNS", "R1", quantity=10_320),
        shipment("S3", "BUNS", "R2", quantity=1_200),
    )
    recall = await open_recall(db, ["FLOUR"], RecallClass.II, now=ms(OPENED))
    after = await record_return(db, recall.id, "R2", "BUNS", 1_200)
    assert [(u.unit, u.on_hand, u.returned, u.effectiveness) for u in after.by_unit()] == [
        ("EA", 11_520.0, 1_200.0, 1_200 / 11_520),
        ("KGM", 40_000.0, 0.0, 0.0),
    ]
    assert after.effectiveness == 0.0  # the smallest; never 1 200 / 51 520 = 2.3 %
    assert not {"shipped", "returned"} & {f.name for f in fields(after.progress(ms(OPENED)))}
    await record_return(db, recall.id, "W", "FLOUR", 40_000)
    assert (await by_ids(db, [recall.id]))[0].effectiveness == 1_200 / 11_520


async def test_a_consignee_may_return_more_than_it_holds_never_more_than_it_received(db):
    await load(db, *CHAIN)
    recall = await open_recall(db, ["POWDER"], RecallClass.I, now=ms(OPENED))
    # IMP shipped all 22 000 on, so it holds none; it may still send some back (the records may be wrong).
    back = await record_return(db, recall.id, "IMP", "POWDER", 5_000)
    assert (line(back, "IMP", "POWDER").returned, line(back, "IMP", "POWDER").status) == (5_000.0, "RETURNED")
    with pytest.raises(BadInput) as error:
        await record_return(db, recall.id, "IMP", "POWDER", 17_001)  # 22 000 - 5 000 = 17 000 at most
    assert error.value.argument == "quantity"
    assert "17000.0 KGM" in str(error.value)
    [_, kgm] = back.by_unit()
    assert (kgm.returned, kgm.outstanding, kgm.effectiveness) == (5_000.0, 24_000.0, 5_000 / 24_000)


async def test_a_recall_stored_before_holdings_reads_as_forwarded_and_used_zero(g):
    # What the previous version wrote: lines without forwarded and used.
    await g.write(
        "risk/create_recall",
        recall={
            "id": "RC-OLD",
            "recallClass": "II",
            "openedAtMs": ms(OPENED),
            "startByMs": ms(OPENED) + 48 * HOUR,
            "finishByMs": ms(OPENED) + 28 * 24 * HOUR,
            "sources": ["SRC"],
            "affectedBatchIds": ["SRC"],
            "affectedDepths": [0],
            "openedBy": "someone",
        },
        lines=[{"enterprise": "W", "batch": "SRC", "shipped": 150.0, "unit": "KGM", "depth": 0}],
    )
    old = await record_return(g, "RC-OLD", "W", "SRC", 75)
    assert holding_tuples(old) == [("W", "SRC", 150.0, 0.0, 0.0, 150.0, "KGM")]
    assert old.effectiveness == 0.5
    assert (await report_rows(g, old))[0].line.on_hand == 150.0


# --- closing, the final report, the listing -----------------------------------------------------------------------


async def test_closing_freezes_effectiveness_per_unit_and_the_lines_not_reached(db):
    await load(db, *CHAIN)
    recall = await open_recall(db, ["POWDER"], RecallClass.I, now=ms(OPENED))
    for enterprise_id, batch_id, quantity in (("MAK", "POWDER", 10_000), ("CAFE", "BREAD", 1_200)):
        await record_return(db, recall.id, enterprise_id, batch_id, quantity)
    await mark_notified(db, recall.id, "SHOP")
    closed = await close_recall(
        db, recall.id, "  all reachable consignees done  ", "coordinator-li", now=ms(OPENED) + HOUR
    )
    assert (closed.status, closed.closed_at_ms, closed.close_reason, closed.closed_by) == (
        RecallStatus.CLOSED,
        ms(OPENED) + HOUR,
        "all reachable consignees done",
        "coordinator-li",
    )
    report = closed.final_report
    assert [(u.unit, u.on_hand, u.returned, u.outstanding, u.effectiveness) for u in report.by_unit] == [
        ("EA", 11_520.0, 1_200.0, 10_320.0, 1_200 / 11_520),
        ("KGM", 24_000.0, 10_000.0, 14_000.0, 10_000 / 24_000),
    ]
    assert report.effectiveness == 1_200 / 11_520
    # Not reached: never notified (BAK, and IMP though it holds nothing), or notified with goods out (SHOP).
    assert [(n.enterprise_id, n.batch_id, n.outstanding, n.unit, n.notified) for n in report.not_reached] == [
        ("BAK", "POWDER", 10_000.0, "KGM", False),
        ("BAK", "PREMIX", 4_000.0, "KGM", False),
        ("IMP", "POWDER", 0.0, "KGM", False),
        ("SHOP", "BREAD", 10_320.0, "EA", True),
    ]
    assert (await by_ids(db, [recall.id]))[0] == closed
    # Its progress is as it stood at closing: goods were out, but a closed recall does not fall overdue.
    assert recall.progress(recall.finish_by_ms + 1).finish_overdue is True
    assert closed.progress(closed.finish_by_ms + 1).finish_overdue is False


async def test_a_closed_recall_takes_no_return_notice_or_second_close_and_its_report_never_changes(g):
    recall = await open_src(g)
    closed = await close_recall(g, recall.id, "withdrawn by the producer", now=ms(OPENED) + HOUR)
    assert closed.closed_by == "anonymous"
    for attempt in (
        record_return(g, recall.id, "W", "SRC", 1),
        mark_notified(g, recall.id, "W"),
        close_recall(g, recall.id, "again"),
    ):
        with pytest.raises(BadInput) as refused:
            await attempt
        assert "is CLOSED (closed at 2026-11-27T03:00:00Z: withdrawn by the producer)" in str(refused.value)
    # A correction of the records changes neither the lines nor the report.
    await load(g, shipment("S1", "SRC", "W", quantity=999, shipped_at="2026-03-02"))
    assert (await by_ids(g, [recall.id]))[0] == closed


async def test_a_return_racing_the_close_is_either_in_the_report_or_refused(g):
    for _ in range(3):
        recall = await open_src(g)
        returns = [("W", "SRC", 10.0), ("R1", "FIN", 5.0), ("R2", "MID", 5.0), ("R1", "SIDE", 5.0), ("R2", "FIN", 1.0)]
        attempts = [record_return(g, recall.id, e, b, q) for e, b, q in returns]
        results = await asyncio.gather(
            *attempts[:2], close_recall(g, recall.id, "done"), *attempts[2:], return_exceptions=True
        )
        closed = (await by_ids(g, [recall.id]))[0]
        went_in = [
            r for r, result in zip(returns, results[:2] + results[3:], strict=True) if not isinstance(result, Exception)
        ]
        refused = [r for r in results if isinstance(r, Exception)]
        assert all(isinstance(r, BadInput) and "is CLOSED" in str(r) for r in refused), refused
        # What the lines say was returned is exactly what the report froze.
        assert {(ln.enterprise_id, ln.batch_id): ln.returned for ln in closed.lines if ln.returned} == {
            (e, b): q for e, b, q in went_in
        }
        assert [(u.unit, u.returned) for u in closed.final_report.by_unit] == [
            (u.unit, u.returned) for u in closed.by_unit()
        ]


async def test_a_recall_stored_before_closing_existed_is_open_listed_and_closable(g):
    await g.write(
        "risk/create_recall",
        recall={
            "id": "RC-OLD",
            "recallClass": "III",
            "openedAtMs": ms(OPENED),
            "startByMs": ms(OPENED) + 72 * HOUR,
            "finishByMs": ms(OPENED) + 42 * 24 * HOUR,
            "sources": ["SRC"],
            "affectedBatchIds": ["SRC"],
            "affectedDepths": [0],
            "openedBy": "someone",
        },
        lines=[{"enterprise": "W", "batch": "SRC", "shipped": 150.0, "unit": "KGM", "depth": 0}],
    )
    old = (await by_ids(g, [recall_id := "RC-OLD"]))[0]
    assert (old.status, old.final_report) == (RecallStatus.OPEN, None)
    assert [r.id for r in (await listing(g, RecallStatus.OPEN)).recalls] == [recall_id]
    closed = await close_recall(g, recall_id, "superseded")
    assert [r.id for r in (await listing(g, RecallStatus.CLOSED, RecallClass.III)).recalls] == [recall_id]
    assert closed.final_report.not_reached[0].outstanding == 150.0


async def test_the_listing_pages_newest_first_by_opening_then_id(g):
    at = [ms(OPENED) + i * HOUR for i in (0, 1, 1, 2)]  # two in the same instant
    opened = [await open_recall(g, ["SRC"], RecallClass.I, now=t) for t in at]
    order = [r.id for r in sorted(opened, key=lambda r: (r.opened_at_ms, r.id), reverse=True)]
    first = await listing(g, first=3)
    assert ([r.id for r in first.recalls], first.has_next_page) == (order[:3], True)
    rest = await listing(g, first=3, after=first.end_cursor)
    assert ([r.id for r in rest.recalls], rest.has_next_page) == (order[3:], False)
    assert rest.recalls[0].lines == opened[0].lines  # each with its lines
    with pytest.raises(BadInput) as error:
        await listing(g, after="cmVjYWxsOjEyOg")  # "recall:12:" without an id
    assert error.value.argument == "after"
