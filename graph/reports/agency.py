"""The report of a monitoring plan to its responsible agencies (the plan's task 12): the plan (period, stages,
targets with their criteria, agencies), progress against the quotas per target and stage, the results (tested,
failed, fail rate), the failed tests by name (the agencies are regulators: lot, product, producer, lab), and what
to follow up (targets behind their quota, failures clustering on one producer, product or lab); as JSON
(`report`) and as a bilingual PDF (`render_pdf`), Chinese first.

Every count comes from graph/monitoring/plans.py `plan_results`, the one place that counts a plan's results, so
the report, the GraphQL results and the public results cannot disagree."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph import lookup
from graph.clock import iso, now_ms
from graph.db import Graph
from graph.monitoring.plans import PlanResults, plan_results
from graph.reports import pdf

CLUSTER_MIN = 2  # failures sharing a producer, product or lab from which they are a cluster to follow up


def expected_share(results: PlanResults, at_ms: int) -> float:
    """The share of the period elapsed at `at_ms` (0..1): the part of each quota due by then."""
    start, until = results.plan.from_ms, results.plan.until_ms
    return min(1.0, max(0.0, (at_ms - start) / (until - start)))


async def report(graph: Graph, plan_id: str, now: int | None = None) -> dict[str, Any]:
    """The report as JSON-ready data; NotFound naming planId for an unknown plan."""
    at = now_ms() if now is None else now
    results = await plan_results(graph, plan_id, now=at)
    found = results.plan
    failures = results.failures
    producers = await lookup.enterprises(graph, sorted({f.producer for f in failures}))
    products = await lookup.products(graph, sorted({f.product for f in failures}))
    labs = await lookup.labs(graph, sorted({f.lab for f in failures if f.lab}))
    names = {
        **{("producer", n.id): n.name for n in producers if n},
        **{("product", n.id): n.name for n in products if n},
        **{("lab", n.id): n.name for n in labs if n},
    }
    share = expected_share(results, at)
    body: dict[str, Any] = {
        "kind": "agency_report",
        "plan": {
            "id": found.id,
            "name": found.name,
            "description": found.description,
            "periodStart": found.period_start,
            "periodEnd": found.period_end,
            "stages": list(found.stages),
            "agencies": [{"id": a.id, "name": a.name, "kind": a.kind} for a in found.agencies],
            "targets": [
                {
                    "id": t.id,
                    "countries": list(t.countries),
                    "hsPrefixes": list(t.hs_prefixes),
                    "categories": list(t.categories),
                    "hazards": list(t.hazards),
                    "quotas": [{"stage": q.stage, "samples": q.samples} for q in t.quotas],
                }
                for t in found.targets
            ],
        },
        "generatedAt": iso(at),
        "periodElapsed": share,
        "results": {**results.counts(), "outsidePeriod": results.outside_period, "unmatched": results.unmatched},
        "targets": [
            {
                "target": t.target.id,
                **t.counts(),
                "stages": [{"stage": s.stage, **s.counts()} for s in t.stages],
            }
            for t in results.targets
        ],
        "failedTests": [
            {
                "report": f.report,
                "batch": f.batch,
                "product": f.product,
                "productName": names.get(("product", f.product)),
                "producer": f.producer,
                "producerName": names.get(("producer", f.producer)),
                "lab": f.lab,
                "labName": names.get(("lab", f.lab)) if f.lab else None,
                "target": f.target,
                "stage": f.stage,
                "testedAt": f.tested_at,
            }
            for f in failures
        ],
        "failedTestsComplete": results.failures_complete,
    }
    body["followUp"] = follow_up(body, share)
    return body


def follow_up(body: dict[str, Any], share: float) -> dict[str, Any]:
    """Targets behind their quota (tested below the part of the quota due by now, per stage) and failure clusters
    (CLUSTER_MIN or more failed tests of one producer, product or lab), each with a bilingual line."""
    behind = []
    for t in body["targets"]:
        for s in t["stages"]:
            due = (s["quota"] or 0) * share
            if s["tested"] < due:
                behind.append(
                    {
                        "target": t["target"],
                        "stage": s["stage"],
                        "quota": s["quota"],
                        "due": round(due, 1),
                        "tested": s["tested"],
                        "missing": s["quota"] - s["tested"],
                        "zh": f"目标 {t['target']} 在 {s['stage']} 环节已检 {s['tested']} 批，配额 {s['quota']} 批，"
                        f"尚缺 {s['quota'] - s['tested']} 批：加快抽样。",
                        "en": f"Target {t['target']} at {s['stage']}: {s['tested']} tested of a quota of "
                        f"{s['quota']}, {s['quota'] - s['tested']} to go: sample faster.",
                    }
                )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in body["failedTests"]:
        for kind in ("producer", "product", "lab"):
            if f[kind]:
                groups[(kind, f[kind])].append(f)
    labels = {"producer": ("生产企业", "producer"), "product": ("产品", "product"), "lab": ("实验室", "lab")}
    clusters = []
    for (kind, ident), found in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        if len(found) < CLUSTER_MIN:
            continue
        name = found[0][f"{kind}Name"] or ident
        lots = sorted({f["batch"] for f in found})
        zh, en = labels[kind]
        clusters.append(
            {
                "kind": kind,
                "id": ident,
                "name": name,
                "failed": len(found),
                "lots": lots,
                "reports": [f["report"] for f in found],
                "zh": f"{zh} {name}（{ident}）有 {len(found)} 批次不合格（{', '.join(lots)}）："
                "核查原因，考虑加严监测。",
                "en": f"The {en} {name} ({ident}) has {len(found)} failed tests (lots {', '.join(lots)}): "
                "find the cause and consider tightened monitoring.",
            }
        )
    return {"behindQuota": behind, "failureClusters": clusters}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _criteria(t: dict[str, Any]) -> str:
    parts = [
        ("国家 countries", t["countries"]),
        ("HS", t["hsPrefixes"]),
        ("类别 categories", t["categories"]),
        ("危害 hazards", t["hazards"]),
    ]
    return "; ".join(f"{label} {', '.join(values)}" for label, values in parts if values) or "—"


def blocks(body: dict[str, Any]) -> list[pdf.Block]:
    p, r = body["plan"], body["results"]
    follow = body["followUp"]
    out: list[pdf.Block] = [
        pdf.Title(f"监测计划执行报告：{p['name']}", f"Monitoring plan report: {p['name']}"),
        pdf.Facts(
            [
                ("计划 Plan", f"{p['name']} ({p['id']})"),
                ("计划期 Period", f"{p['periodStart']} – {p['periodEnd']}"),
                ("环节 Stages", ", ".join(p["stages"])),
                ("负责机构 Agencies", ", ".join(f"{a['name']} ({a['id']})" for a in p["agencies"]) or "—"),
                ("生成时间 Generated", body["generatedAt"]),
                ("计划期已过 Period elapsed", _pct(body["periodElapsed"])),
            ]
        ),
        pdf.Heading("一、监测目标", "1. Targets"),
        pdf.Table(
            ["目标 Target", "条件 Criteria", "配额 Quotas"],
            [
                [t["id"], _criteria(t), ", ".join(f"{q['stage']} {q['samples']}" for q in t["quotas"]) or "—"]
                for t in p["targets"]
            ],
        ),
        pdf.Heading("二、结果", "2. Results"),
        pdf.Facts(
            [
                ("配额 Quota", str(r["quota"])),
                ("已检 Tested", str(r["tested"])),
                ("不合格 Failed", str(r["failed"])),
                ("不合格率 Fail rate", _pct(r["failRate"])),
                ("完成率 Progress", _pct(r["progress"])),
                ("计划期外（未计入） Outside the period (not counted)", str(r["outsidePeriod"])),
                ("目标或环节不符（未计入） Unknown target or stage (not counted)", str(r["unmatched"])),
            ]
        ),
        pdf.Heading("三、各目标各环节进度", "3. Progress per target and stage"),
        pdf.Table(
            [
                "目标 Target",
                "环节 Stage",
                "配额 Quota",
                "已检 Tested",
                "完成率 Progress",
                "不合格 Failed",
                "不合格率 Fail rate",
            ],
            [
                [
                    t["target"],
                    s["stage"],
                    "—" if s["quota"] is None else s["quota"],
                    s["tested"],
                    _pct(s["progress"]),
                    s["failed"],
                    _pct(s["failRate"]),
                ]
                for t in body["targets"]
                for s in t["stages"]
            ],
        ),
        pdf.Heading("四、不合格检测", "4. Failed tests"),
        pdf.Table(
            [
                "报告 Report",
                "批次 Lot",
                "产品 Product",
                "生产企业 Producer",
                "实验室 Lab",
                "目标 Target",
                "环节 Stage",
                "日期 Tested",
            ],
            [
                [
                    f["report"],
                    f["batch"],
                    f["productName"] or f["product"],
                    f"{f['producerName'] or ''} ({f['producer']})",
                    f["labName"] or f["lab"] or "—",
                    f["target"],
                    f["stage"],
                    f["testedAt"],
                ]
                for f in body["failedTests"]
            ],
        ),
        pdf.Heading("五、需跟进事项", "5. To follow up"),
    ]
    lines = [*follow["behindQuota"], *follow["failureClusters"]]
    if not body["failedTestsComplete"]:
        out.append(pdf.Paragraph("不合格检测仅列出前若干项。 Only the first failed tests are listed."))
    for i, x in enumerate(lines, 1):
        out.append(pdf.Paragraph(f"{i}. {x['zh']}\n   {x['en']}"))
    if not lines:
        out.append(
            pdf.Paragraph("无需跟进：进度符合配额，未见不合格聚集。 Nothing to follow up: on quota, no clusters.")
        )
    return out


async def render_pdf(graph: Graph, body: dict[str, Any]) -> bytes:
    footer = f"tracegraph · {body['plan']['id']} · {body['generatedAt']}"
    return await pdf.render_async(blocks(body), footer, pdf.locate_font(graph.settings.report_font))
