"""Signal channels (issue 17 item 3): each channel of the plan's task 2 files a signal with its own fields; a
missing field is an error naming the line and the field; duplicates of one incident are linked and counted once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.db import Graph
from graph.imports import import_lines
from graph.risk import signals, warnings
from graph.risk.evaluation import evaluate
from graph.risk.warnings import MeasureKind, Targets
from seed.builders import lab, risk_signal
from tests.conftest import BASE, batch, enterprise, load, ndjson
from tests.graph.risk.test_evaluation import ms

GRAPH = (*BASE, enterprise("T1", roles=["DISTRIBUTOR"]), lab("L1"), batch("B1"), batch("B2"))

# One valid signal per channel, each with the source its channel allows and the fields it requires.
CHANNELS: dict[str, tuple[str, dict[str, Any]]] = {
    "CONSUMER_COMPLAINT": ("CONSUMER_COMPLAINT", {"purchasePlace": "超市 A"}),
    "MANDATORY_REPORT": ("ENTERPRISE_REPORT", {"reporterRole": "TRADER", "reporter": "T1"}),
    "VOLUNTARY_REPORT": ("RESEARCH_REPORT", {"institution": "某大学", "institutionKind": "UNIVERSITY"}),
    "PRESS": ("PUBLIC_OPINION", {"outlet": "Daily", "publishedAt": "2026-03-01"}),
    "INJURY_REPORT": ("INJURY_REPORT", {"reportingBody": "H1", "occurredAt": "2026-03-01", "injuredCount": 2}),
    "FOODBORNE_ILLNESS": ("FOODBORNE_ILLNESS", {"reportingBody": "CDC", "onsetAt": "2026-03-01", "caseCount": 5}),
    "SHARED_INCIDENT": (
        "INJURY_REPORT",
        {"incidentKind": "FIRE", "department": "Fire service", "occurredAt": "2026-03-01"},
    ),
    "COUNTERFEIT_REPORT": ("COUNTERFEIT_REPORT", {"venue": "E_COMMERCE", "seller": "Shop 9", "platform": "X"}),
}


def channel_signal(id: str, kind: str, subject: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    source, details = CHANNELS[kind]
    return risk_signal(id, subject or {"batch": "B1"}, source=source, channel={"kind": kind, **details}, **fields)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *GRAPH)
    return db


async def test_every_channel_files_a_signal_with_its_fields(g: Graph) -> None:
    # received a month apart: no two are one incident
    records = [channel_signal(f"S{i}", kind, received_at=f"2026-{i + 1:02d}-01") for i, kind in enumerate(CHANNELS)]
    await load(g, *records)
    stored = await signals.signals_by_id(g, [r["id"] for r in records])
    assert [s.channel for s in stored if s] == list(CHANNELS)
    for s, (kind, (_, details)) in zip(stored, CHANNELS.items(), strict=True):
        assert s is not None and json.loads(s.channel_details or "") == {"kind": kind, **details}
        assert s.incident_id == f"signal:{s.id}" and s.duplicates == ()


@pytest.mark.parametrize(
    ("kind", "drop", "field"),
    [
        ("MANDATORY_REPORT", "reporter", "channel.reporter"),
        ("PRESS", "publishedAt", "channel.publishedAt"),
        ("INJURY_REPORT", "injuredCount", "channel.injuredCount"),
        ("FOODBORNE_ILLNESS", "caseCount", "channel.caseCount"),
        ("SHARED_INCIDENT", "department", "channel.department"),
        ("COUNTERFEIT_REPORT", "seller", "channel.seller"),
        ("VOLUNTARY_REPORT", "institutionKind", "channel.institutionKind"),
    ],
)
async def test_a_missing_channel_field_is_named_with_its_line(g: Graph, kind: str, drop: str, field: str) -> None:
    good = channel_signal("OK", kind)
    bad = channel_signal("BAD", kind)
    del bad["channel"][drop]
    report = await import_lines(g, ndjson(good, bad))
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [(2, field)]
    assert "required" in report.errors[0].message.lower()


async def test_a_channel_bounds_the_source_and_names_its_reporter(g: Graph) -> None:
    wrong_source = {**channel_signal("X1", "PRESS"), "source": "CONSUMER_COMPLAINT"}
    unknown_lab = channel_signal("X2", "MANDATORY_REPORT")
    unknown_lab["channel"] = {"kind": "MANDATORY_REPORT", "reporterRole": "TESTING_BODY", "reporter": "NOLAB"}
    report = await import_lines(g, ndjson(wrong_source, unknown_lab))
    got = sorted((e.line, e.field, e.message) for e in report.errors)
    assert [(line, f) for line, f, _ in got] == [(1, "channel"), (2, "channel.reporter")]
    assert "PUBLIC_OPINION" in got[0][2]
    assert "NOLAB" in got[1][2]
    # a producer's report names an enterprise; a testing body's, a lab
    ok = channel_signal("X3", "MANDATORY_REPORT")
    ok["channel"] = {"kind": "MANDATORY_REPORT", "reporterRole": "TESTING_BODY", "reporter": "L1"}
    await load(g, ok)


async def test_duplicates_of_one_incident_are_linked(g: Graph) -> None:
    await load(
        g,
        # A: the same lot and hazard within 7 days of each other, by three channels: one incident (chained)
        channel_signal("A1", "INJURY_REPORT", received_at="2026-03-01"),
        channel_signal("A2", "PRESS", received_at="2026-03-05"),
        channel_signal("A3", "CONSUMER_COMPLAINT", received_at="2026-03-11"),
        # the same lot 20 days later: another incident; another hazard: another incident
        channel_signal("B1", "PRESS", received_at="2026-03-31"),
        channel_signal("C1", "PRESS", received_at="2026-03-02", hazard="CHEMICAL"),
        # one key across lots: one incident, whatever the dates
        channel_signal("K1", "PRESS", {"batch": "B1"}, received_at="2026-06-01", incidentKey="FIRE-7"),
        channel_signal("K2", "SHARED_INCIDENT", {"batch": "B2"}, received_at="2026-07-01", incidentKey="FIRE-7"),
    )
    by_id = {s.id: s for s in await signals.signals_by_id(g, ["A1", "A2", "A3", "B1", "C1", "K1", "K2"]) if s}
    assert {i: s.incident_id for i, s in by_id.items()} == {
        "A1": "signal:A1",
        "A2": "signal:A1",
        "A3": "signal:A1",
        "B1": "signal:B1",
        "C1": "signal:C1",
        "K1": "key:FIRE-7",
        "K2": "key:FIRE-7",
    }
    assert by_id["A2"].duplicates == ("A1", "A3")
    # a re-import of the same records changes nothing; a changed key moves the signal and drops the empty incident
    await load(g, channel_signal("K2", "SHARED_INCIDENT", {"batch": "B2"}, received_at="2026-07-01"))
    k2 = (await signals.signals_by_id(g, ["K2"]))[0]
    assert k2 is not None and k2.incident_id == "signal:K2"
    incidents = await g.read("testing/count_label", label="Incident")
    assert incidents[0]["count"] == 5  # signal:A1, signal:B1, signal:C1, key:FIRE-7 (K1 alone now), signal:K2


async def test_a_duplicate_after_a_warning_is_no_new_signal(g: Graph) -> None:
    await load(g, channel_signal("W0", "INJURY_REPORT", received_at="2026-09-28T00:00:00Z"))
    at = ms("2026-10-01T00:00:00+00:00")
    warning, _ = await warnings.issue(
        g, ["W0"], Targets(batch_ids=("B1",)), [MeasureKind.RECALL], grade=None, now=at, by="officer-a"
    )
    if warning.status == warnings.WarningStatus.PROPOSED:
        warning = await warnings.confirm(g, warning.id, by="officer-b", now=at)
    # the press reports the same injury two days after the warning: a duplicate; a new injury a month later is not
    await load(
        g,
        channel_signal("W1", "PRESS", received_at="2026-10-03T00:00:00Z"),
        channel_signal("W2", "INJURY_REPORT", received_at="2026-11-03T00:00:00Z"),
    )
    evaluation = await evaluate(g, warning.id, now=ms("2026-11-10T00:00:00+00:00"))
    assert evaluation.signals_after == ["W2"]
