"""Issue 17's documents over HTTP and GraphQL, on a hand-made graph whose answers are computed below: an
enterprise's periodic report (JSON and a PDF whose Chinese text is extractable), a monitoring plan's report to its
agencies (on the monitoring tests' plan), a foreign measure's affected exporters, impact report and notices, and
evidence dossiers (a zip whose manifest holds each file's SHA-256)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from graph.clock import iso, now_ms
from graph.db import Graph
from graph.records import parse_instant
from graph.reports import agency
from seed.builders import blacklist, lab, lab_report, risk_signal
from tests.conftest import BASE, auth_headers, batch, enterprise, gql, load, product, shipment
from tests.graph.monitoring.data import RECORDS as MONITORING_RECORDS

TODAY = iso(now_ms())
LEAD = {"name": "铅 lead", "value": 0.5, "limit": 0.1, "unit": "mg/kg", "pass": False}

GRAPH = (
    *BASE,  # M (CN maker), P1 (HS 1901101000, FOOD)
    product("P2", hsCode="8516601000", category="ELECTRICAL"),
    enterprise("X2", roles=["EXPORTER"], country="CN"),
    enterprise("US1", roles=["IMPORTER"], country="US"),
    enterprise("DE1", roles=["IMPORTER"], country="DE"),
    lab("L1", name="检测中心 Test centre"),
    batch("B1"),
    batch("B2"),
    batch("B3", product="P2", unit="PCE"),
    batch("B4", producer="X2"),
    # March 2026: T1 passes, T2 fails (lead); T0 (February) and T3 (April) are outside the period
    lab_report("T0", batch="B1", result="FAIL", tested_at="2026-02-27"),
    lab_report("T1", batch="B1", tested_at="2026-03-05"),
    lab_report("T2", batch="B2", result="FAIL", tested_at="2026-03-10", items=[LEAD]),
    lab_report("T3", batch="B3", tested_at="2026-04-02"),
    # T2's LAB_FAILURE signal (BIOLOGICAL, FOOD's default), a press report and an injury report on B2 within a
    # week: one incident
    risk_signal(
        "S1",
        {"batch": "B2"},
        source="PUBLIC_OPINION",
        received_at="2026-03-12",
        severity=1,
        channel={"kind": "PRESS", "outlet": "晚报 Evening News", "publishedAt": "2026-03-12"},
    ),
    risk_signal(
        "S2",
        {"batch": "B2"},
        source="INJURY_REPORT",
        received_at="2026-03-14",
        severity=1,
        channel={"kind": "INJURY_REPORT", "reportingBody": "H1", "occurredAt": "2026-03-11", "injuredCount": 1},
    ),
    # exports: M to US1 under HS 1901 (KGM, twice) and 8516 (PCE); X2 to DE1 (another country); M to US1 of HS 1901
    # domestically-flagged (not an export); and one before `since`
    shipment("E1", "B1", "US1", quantity=100, direction="EXPORT", shipped_at="2026-05-01"),
    shipment("E2", "B2", "US1", quantity=20, direction="EXPORT", shipped_at="2026-06-01"),
    shipment("E3", "B3", "US1", quantity=50, direction="EXPORT", shipped_at="2026-06-02"),
    shipment("E4", "B4", "DE1", quantity=70, from_="X2", direction="EXPORT", shipped_at="2026-06-03"),
    shipment("E5", "B1", "US1", quantity=5, shipped_at="2026-06-04"),
    shipment("E6", "B1", "US1", quantity=9, direction="EXPORT", shipped_at="2024-01-01"),
    blacklist("BL1", "X2"),
)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *GRAPH)
    return db


ISSUE = """mutation($signals: [ID!]!) {
  issueWarning(signalIds: $signals, targets: {batchIds: ["B2"]}, measures: [RECALL], grade: IV, reason: "lead")
  { id status }
}"""


async def issue_warning(client: httpx.AsyncClient) -> str:
    body = await gql(client, ISSUE, signals=["S1"])
    assert "errors" not in body, body
    return body["data"]["issueWarning"]["id"]


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace removed (pypdf spaces out CJK glyphs, with a space or a NUL between them)."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def embedded_fonts(content: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds (a subset's name starts with six capitals and '+')."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descriptor["/FontName"]))
    return names


# --- the enterprise report ------------------------------------------------------------------------------------


async def test_enterprise_report_json_counts_the_period(g: Graph, client: httpx.AsyncClient) -> None:
    warning_id = await issue_warning(client)
    response = await client.get("/reports/enterprises/M.json", params={"period": "2026-03"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    # T1 and T2 in March; T0 and T3 are not
    assert body["monitoring"]["tested"] == 2 and body["monitoring"]["failed"] == 1
    assert body["monitoring"]["failRate"] == 0.5
    assert [(t["id"], t["batch"], t["failingItems"]) for t in body["failedTests"]] == [("T2", "B2", [LEAD])]
    # LAB_FAILURE:T2, S1 and S2: three reports of one incident
    assert body["signals"]["received"] == 3 and body["signals"]["incidents"] == 1
    assert body["warnings"] == []  # issued today, after March
    assert body["credit"]["grade"] == "REGULAR" and body["credit"]["reasons"][0]["kind"] == "CREDIT_GRADE"
    assert any("B2" in a["zh"] and "B2" in a["en"] for a in body["actions"])
    # the same over GraphQL
    data = await gql(client, 'query { enterpriseReport(enterpriseId: "M", period: "2026-03") }')
    assert data["data"]["enterpriseReport"]["monitoring"] == body["monitoring"]
    # the warning is in this year's report, on the lot it targets, with what M should do under it
    year = (await client.get(f"/reports/enterprises/M.json?period={TODAY[:4]}")).json()
    assert [(w["id"], w["grade"], w["lots"]) for w in year["warnings"]] == [(warning_id, "IV", ["B2"])]
    assert any(warning_id in a["en"] and "RECALL" in a["en"] for a in year["actions"])


async def test_enterprise_report_pdf_embeds_extractable_chinese(g: Graph, client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/enterprises/M.pdf", params={"period": "2026-Q1"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for phrase in ("企业质量安全监测报告", "不合格检测", "Failedtests", "T2", "铅lead", "企业应采取的措施"):
        assert phrase in text, phrase
    fonts = embedded_fonts(response.content)
    assert fonts and all(re.match(r"/[A-Z]{6}\+", f) for f in fonts), fonts  # embedded, as a subset
    assert len(response.content) < 200_000  # a subset: not the font's megabytes


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/reports/enterprises/M.json", {"period": "2026-13"}, 400, "period"),
        ("/reports/enterprises/M.json", {"period": "March"}, 400, "period"),
        ("/reports/enterprises/NOPE.json", {"period": "2026"}, 404, "NOPE"),
    ],
)
async def test_enterprise_report_refuses_bad_input(
    g: Graph, client: httpx.AsyncClient, path: str, params: dict[str, str], status: int, says: str
) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]["message"]


async def test_reports_are_for_regulators_and_audited(g: Graph, client: httpx.AsyncClient) -> None:
    platform = auth_headers("platform", "credit_platform")
    denied = await client.get("/reports/enterprises/M.json", params={"period": "2026"}, headers=platform)
    assert denied.status_code == 403
    reader = auth_headers("inv-1", "investigator")
    assert (await client.get("/reports/enterprises/M.json", params={"period": "2026"}, headers=reader)).is_success
    events = await gql(client, "query { auditEvents(first: 100) { events { subject operation outcome } } }")
    seen = [(e["subject"], e["operation"]) for e in events["data"]["auditEvents"]["events"]]
    assert ("inv-1", "GET /reports/enterprises/{enterprise_id}.{extension}") in seen


# --- the report of a monitoring plan to its agencies -------------------------------------------------------------
# Plan MP1 and its tests: tests/graph/monitoring/data.py. Counted (within the period, on a target and stage of the
# plan): T-SHRIMP PORT R1 pass, R2 fail (quota 4); T-SHRIMP MARKET R3 fail (quota 2); T-TOY PORT R5 pass (quota 2);
# T-TOY MARKET nothing, no quota. Not counted: R4 (1 July), R6 (T-NOPE), R7 (no plan). R2 (B2) and R3 (B3) are
# both V's shrimp (P-SHRIMP) tested by L1: one cluster per producer, product and lab.


def day_ms(day: str) -> int:
    return int(parse_instant(day).timestamp() * 1000)


@pytest.fixture
async def planned(db: Graph) -> Graph:
    await load(db, *MONITORING_RECORDS)
    return db


async def test_agency_report_counts_per_target_and_stage_and_names_the_failures(
    planned: Graph, client: httpx.AsyncClient
) -> None:
    response = await client.get("/reports/plans/MP1.json")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan"]["agencies"] == [{"id": "A1", "name": "Qingdao Customs", "kind": "CUSTOMS"}]
    assert (body["plan"]["periodStart"], body["plan"]["periodEnd"]) == ("2026-01-01", "2026-06-30")
    assert [t["id"] for t in body["plan"]["targets"]] == ["T-SHRIMP", "T-TOY"]
    assert body["plan"]["targets"][0]["countries"] == ["VN"] and body["plan"]["targets"][0]["hsPrefixes"] == ["0306"]
    counts = {
        (t["target"], s["stage"]): (s["quota"], s["tested"], s["failed"]) for t in body["targets"] for s in t["stages"]
    }
    assert counts == {
        ("T-SHRIMP", "PORT"): (4, 2, 1),
        ("T-SHRIMP", "MARKET"): (2, 1, 1),
        ("T-TOY", "PORT"): (2, 1, 0),
        ("T-TOY", "MARKET"): (None, 0, 0),
    }
    results = body["results"]
    assert (results["quota"], results["tested"], results["failed"], results["failRate"]) == (8, 4, 2, 0.5)
    assert (results["outsidePeriod"], results["unmatched"]) == (1, 1)
    failed = [
        (f["report"], f["batch"], f["producerName"], f["labName"], f["stage"], f["testedAt"])
        for f in body["failedTests"]
    ]
    assert failed == [
        ("R2", "B2", "Vietnam Seafood Co", "Lab L1", "PORT", "2026-02-02"),
        ("R3", "B3", "Vietnam Seafood Co", "Lab L1", "MARKET", "2026-03-01"),
    ]
    # the period is over (it is later than June 2026): every stage short of its quota is behind
    behind = [(b["target"], b["stage"], b["missing"]) for b in body["followUp"]["behindQuota"]]
    assert behind == [("T-SHRIMP", "PORT", 2), ("T-SHRIMP", "MARKET", 1), ("T-TOY", "PORT", 1)]
    clusters = [(c["kind"], c["id"], c["failed"], c["lots"]) for c in body["followUp"]["failureClusters"]]
    assert clusters == [
        ("lab", "L1", 2, ["B2", "B3"]),
        ("producer", "V", 2, ["B2", "B3"]),
        ("product", "P-SHRIMP", 2, ["B2", "B3"]),
    ]
    # the same over GraphQL
    data = await gql(client, 'query { agencyReport(planId: "MP1") }')
    assert data["data"]["agencyReport"]["targets"] == body["targets"]


async def test_agency_report_is_behind_only_on_what_was_due(planned: Graph) -> None:
    # on 1 April 90 of the period's 181 days are gone: due PORT 4 x 0.497 = 1.99 (2 tested), MARKET and T-TOY PORT
    # 2 x 0.497 = 0.99 (1 tested each): nobody is behind yet; on 1 May (120 days) all three are
    april = await agency.report(planned, "MP1", now=day_ms("2026-04-01"))
    assert april["followUp"]["behindQuota"] == []
    may = await agency.report(planned, "MP1", now=day_ms("2026-05-01"))
    assert [(b["target"], b["stage"]) for b in may["followUp"]["behindQuota"]] == [
        ("T-SHRIMP", "PORT"),
        ("T-SHRIMP", "MARKET"),
        ("T-TOY", "PORT"),
    ]


async def test_agency_report_pdf_holds_the_chinese_title_and_the_results(
    planned: Graph, client: httpx.AsyncClient
) -> None:
    response = await client.get("/reports/plans/MP1.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for phrase in ("监测计划执行报告", "PlanMP1", "QingdaoCustoms", "不合格率Failrate:50.0%", "R3", "VietnamSeafoodCo"):
        assert phrase in text, phrase
    assert embedded_fonts(response.content)


async def test_agency_report_for_monitoring_readers_only_audited_and_unknown_plans(
    planned: Graph, client: httpx.AsyncClient
) -> None:
    for role in ("credit_platform", "data_supplier", "auditor"):
        assert (await client.get("/reports/plans/MP1.json", headers=auth_headers("x", role))).status_code == 403
    denied = await gql(client, 'query { agencyReport(planId: "MP1") }', auth_headers("x", "credit_platform"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    officer = auth_headers("mo-1", "monitoring_officer")
    assert (await client.get("/reports/plans/MP1.pdf", headers=officer)).is_success
    events = await gql(client, "query { auditEvents(first: 100) { events { subject operation outcome } } }")
    seen = [(e["subject"], e["operation"]) for e in events["data"]["auditEvents"]["events"]]
    assert ("mo-1", "GET /reports/plans/{plan_id}.{extension}") in seen
    missing = await client.get("/reports/plans/NOPE.json")
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message"]
    unknown = await gql(client, 'query { agencyReport(planId: "NOPE") }')
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND" and "NOPE" in unknown["errors"][0]["message"]


# --- foreign technical trade measures ------------------------------------------------------------------------

MEASURE = {
    "id": "FM1",
    "country": "US",
    "hsCodes": ["1901", "8516"],
    "kind": "TBT",
    "title": "Lead limits in food and heaters",
    "requirement": "Lead at most 0.05 mg/kg; heaters certified to UL 1278.",
    "notifiedAt": "2026-04-01",
    "effectiveFrom": "2026-10-01",
    "notification": "G/TBT/N/USA/9999",
}
RECORD = (
    """mutation($input: ForeignMeasureInput!) { recordForeignMeasure(input: $input) { id hsCodes notification } }"""
)
AFFECTED = """query { foreignMeasure(id: "FM1") {
  affectedExporters { enterpriseId shipments products volumes { unit quantity shipments } } } }"""
NOTIFY = """mutation($by: String) { notifyForeignMeasure(id: "FM1", by: $by) { enterpriseId signedBy created text } }"""


def gql_input(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "kind": record["kind"]}


async def test_a_foreign_measure_finds_its_exporters_per_unit(g: Graph, client: httpx.AsyncClient) -> None:
    recorded = await gql(client, RECORD, input=gql_input(MEASURE))
    assert recorded["data"]["recordForeignMeasure"]["notification"] == "G/TBT/N/USA/9999", recorded
    exporters = (await gql(client, AFFECTED))["data"]["foreignMeasure"]["affectedExporters"]
    # M alone: E1 + E2 (HS 1901, KGM) and E3 (HS 8516, PCE); E4 went to DE, E5 is no export, E6 is too old
    assert exporters == [
        {
            "enterpriseId": "M",
            "shipments": 3,
            "products": exporters[0]["products"],
            "volumes": [
                {"unit": "KGM", "quantity": 120.0, "shipments": 2},
                {"unit": "PCE", "quantity": 50.0, "shipments": 1},
            ],
        }
    ]
    assert sorted(exporters[0]["products"]) == ["P1", "P2"]
    impact = (await client.get("/foreign-measures/FM1/impact.json")).json()
    assert impact["totalsByUnit"] == [
        {"unit": "KGM", "quantity": 120.0, "shipments": 2},
        {"unit": "PCE", "quantity": 50.0, "shipments": 1},
    ]
    # counting from 2024 takes E6 too
    wider = (await client.get("/foreign-measures/FM1/impact.json", params={"since": "2024-01-01"})).json()
    assert wider["totalsByUnit"][0] == {"unit": "KGM", "quantity": 129.0, "shipments": 3}


async def test_notices_are_signed_by_the_caller_once(g: Graph, client: httpx.AsyncClient) -> None:
    await gql(client, RECORD, input=gql_input(MEASURE))
    officer = auth_headers("officer-r", "risk_officer")
    first = await gql(client, NOTIFY, headers=officer)
    assert [(n["enterpriseId"], n["signedBy"], n["created"]) for n in first["data"]["notifyForeignMeasure"]] == [
        ("M", "officer-r", True)
    ]
    assert "G/TBT/N/USA/9999" in first["data"]["notifyForeignMeasure"][0]["text"]
    again = await gql(client, NOTIFY, headers=auth_headers("officer-s", "risk_officer"))
    assert [(n["signedBy"], n["created"]) for n in again["data"]["notifyForeignMeasure"]] == [("officer-r", False)]
    forged = await gql(client, NOTIFY, headers=officer, by="someone-else")
    assert forged["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    pdf = await client.get("/foreign-measures/FM1/impact.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "国外技术性贸易措施影响报告" in text and "officer-r" in text


async def test_a_bad_measure_names_its_field(g: Graph, client: httpx.AsyncClient) -> None:
    bad = await gql(client, RECORD, input=gql_input({**MEASURE, "hsCodes": ["19A1"]}))
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "input.hsCodes[0]" in bad["errors"][0]["message"]
    assert (await client.get("/foreign-measures/NOPE/impact.json")).status_code == 404


# --- evidence dossiers ---------------------------------------------------------------------------------------


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name) for name in z.namelist()}


async def test_a_warning_dossier_bundles_evidence_audit_and_manifest(g: Graph, client: httpx.AsyncClient) -> None:
    warning_id = await issue_warning(client)
    response = await client.get(f"/dossiers/warning/{warning_id}.zip")
    assert response.status_code == 200, response.text
    files = unzip(response.content)
    manifest = json.loads(files.pop("manifest.json"))
    assert {f["name"] for f in manifest["files"]} == set(files)
    for f in manifest["files"]:
        assert hashlib.sha256(files[f["name"]]).hexdigest() == f["sha256"]
    evidence = [json.loads(line) for line in files["evidence.ndjson"].splitlines()]
    assert [(e["kind"], e.get("id") or e.get("signalId")) for e in evidence] == [("signal", "S1"), ("assessment", "S1")]
    assert evidence[0]["channel"] == "PRESS"
    audit = [json.loads(line) for line in files["audit.ndjson"].splitlines()]
    assert [(a["subject"], a["operation"]) for a in audit] == [("test-admin", "Mutation.issueWarning")]
    decision = json.loads(files["decision.json"])
    assert (decision["id"], decision["grade"]) == (warning_id, "IV")
    text = pdf_text(files["dossier.pdf"])
    assert "预警证据卷宗" in text and "test-admin" in text


async def test_a_blacklisting_dossier_and_unknown_ones(g: Graph, client: httpx.AsyncClient) -> None:
    files = unzip((await client.get("/dossiers/blacklist/BL1.zip")).content)
    assert json.loads(files["decision.json"])["id"] == "BL1"
    assert set(files) >= {"dossier.pdf", "evidence.ndjson", "audit.ndjson", "timeline.json", "manifest.json"}
    assert (await client.get("/dossiers/warning/NOPE.zip")).status_code == 404
    assert (await client.get("/dossiers/nonsense/X.zip")).status_code in (400, 404, 422)
    platform = auth_headers("platform", "credit_platform")
    assert (await client.get("/dossiers/blacklist/BL1.zip", headers=platform)).status_code == 403


# --- a channel over GraphQL ------------------------------------------------------------------------------------

REPORT_SIGNAL = """mutation($channel: SignalChannelInput) {
  reportSignal(input: {id: "G1", source: PUBLIC_OPINION, hazard: BIOLOGICAL, severity: 1, probability: 0.1,
                       receivedAt: "2026-03-13", subjectBatch: "B2", channel: $channel}) {
    id channel incidentId duplicates channelDetails
  }
}"""


async def test_report_signal_takes_a_channel_and_names_a_missing_field(g: Graph, client: httpx.AsyncClient) -> None:
    missing = await gql(client, REPORT_SIGNAL, channel={"kind": "PRESS", "outlet": "Daily"})
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "input.channel.publishedAt" in missing["errors"][0]["message"]
    filed = await gql(client, REPORT_SIGNAL, channel={"kind": "PRESS", "outlet": "Daily", "publishedAt": "2026-03-13"})
    signal = filed["data"]["reportSignal"]
    # the day after S1 on B2, same hazard: a duplicate of S1's incident (with S2 and T2's lab failure)
    assert (signal["channel"], signal["incidentId"]) == ("PRESS", "signal:LAB_FAILURE:T2")
    assert signal["duplicates"] == ["LAB_FAILURE:T2", "S1", "S2"]
    assert json.loads(signal["channelDetails"]) == {"kind": "PRESS", "outlet": "Daily", "publishedAt": "2026-03-13"}
