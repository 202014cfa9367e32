"""The demo data set: seed/demo.ndjson is what seed/demo_scenario.py builds, byte for byte and on every build; the
real import path takes it without an error (record models, references, cycles); and it is realistic, which the
import does not check: no lot is used before it is made, no holder ships or uses more of a lot than it holds.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from graph.db import Graph
from graph.imports import import_lines
from graph.records import parse_instant
from seed import build_demo, demo_scenario
from tests.conftest import ROOT

DEMO = ROOT / "seed" / "demo.ndjson"


def demo_records() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]


def by_type(records: list[dict], rtype: str) -> dict[str, dict]:
    return {r["id"]: r for r in records if r["type"] == rtype}


def when(value: str) -> datetime:
    return parse_instant(value)


# --- built, deterministically --------------------------------------------------------------------------------------


def test_building_twice_gives_the_same_bytes_and_they_are_the_committed_file():
    first, second = demo_scenario.build().ndjson(), demo_scenario.build().ndjson()
    assert first == second
    assert first == DEMO.read_text(encoding="utf-8"), (
        "seed/demo.ndjson is stale: run .venv/bin/python seed/build_demo.py"
    )


def test_the_build_rejects_a_record_the_import_models_reject():
    text = DEMO.read_text(encoding="utf-8")
    assert build_demo.invalid_lines(text) == []
    lines = text.splitlines()
    at = next(n for n, line in enumerate(lines) if '"recognized":true' in line)
    lines[at] = lines[at].replace('"recognized":true', '"recognized":"yes"')
    (problem,) = build_demo.invalid_lines("\n".join(lines))
    assert problem.startswith(f"line {at + 1}: lab.recognized: ")


# --- imported by the real path -------------------------------------------------------------------------------------


async def test_the_demo_imports_cleanly_and_creates_every_record(db: Graph):
    report = await import_lines(db, DEMO.read_text(encoding="utf-8").splitlines())
    assert report.ok, report.errors[:5]
    created = {rtype: counts.created for rtype, counts in report.by_type.items()}
    assert created == Counter(r["type"] for r in demo_records())

    again = await import_lines(db, DEMO.read_text(encoding="utf-8").splitlines())
    assert again.ok and again.created == again.updated == 0  # idempotent, as `make run` relies on


# --- realistic -----------------------------------------------------------------------------------------------------


def test_every_input_lot_is_made_before_the_lot_it_goes_into():
    batches = by_type(demo_records(), "batch")
    late = [
        (b["id"], i["batch"])
        for b in batches.values()
        for i in b.get("inputs", [])
        if when(batches[i["batch"]]["producedAt"]) >= when(b["producedAt"])
    ]
    assert late == []


def test_lots_are_shipped_and_tested_after_they_are_made():
    records = demo_records()
    batches = by_type(records, "batch")
    made = {bid: when(b["producedAt"]) for bid, b in batches.items()}
    early_shipments = [
        s["id"] for s in by_type(records, "shipment").values() if when(s["shippedAt"]) <= made[s["batch"]]
    ]
    early_reports = [
        t["id"] for t in by_type(records, "test_report").values() if when(t["testedAt"]) < made[t["batch"]]
    ]
    assert early_shipments == early_reports == []


def test_stock_of_each_lot_at_each_holder_never_goes_negative():
    """In date order: making a lot adds it at its producer, a shipment moves it, using it as an input consumes it
    at the producer of the output on the output's production date."""
    records = demo_records()
    events = []  # (date, order within a day, from, to, lot, quantity)
    for b in by_type(records, "batch").values():
        events.append((when(b["producedAt"]), 0, None, b["producer"], b["id"], b["quantity"]))
        for i in b.get("inputs", []):
            events.append((when(b["producedAt"]), 2, b["producer"], None, i["batch"], i["quantity"]))
    for s in by_type(records, "shipment").values():
        events.append((when(s["shippedAt"]), 1, s["from"], s["to"], s["batch"], s["quantity"]))
    stock: Counter[tuple[str, str]] = Counter()
    short = []
    for day, _, sender, receiver, lot, quantity in sorted(events, key=lambda e: (e[0], e[1])):
        if sender:
            stock[(lot, sender)] -= quantity
            if stock[(lot, sender)] < 0:
                short.append(f"{sender} lacks {lot} on {day.date()}")
        if receiver:
            stock[(lot, receiver)] += quantity
    assert short == []


def test_a_report_fails_exactly_when_one_of_its_items_fails():
    wrong = [
        t["id"]
        for t in by_type(demo_records(), "test_report").values()
        if (t["result"] == "PASS") != all(item["pass"] for item in t.get("items", []))
    ]
    assert wrong == []


def test_each_blacklisted_enterprise_trades_with_others():
    records = demo_records()
    shipments = by_type(records, "shipment").values()
    for listing in by_type(records, "blacklist").values():
        partners = {s["to"] for s in shipments if s["from"] == listing["enterprise"]}
        partners |= {s["from"] for s in shipments if s["to"] == listing["enterprise"]}
        assert len(partners) >= 2, listing["id"]
