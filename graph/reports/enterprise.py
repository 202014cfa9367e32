"""The periodic report to an enterprise (the plan's task 12): for a period, its monitoring results (the tests of
the lots it produced), the failed tests with their failing items, the signals about it (one per incident), the
warnings and recalls that touched its lots, its credit grade and inspection rate with their reasons, and what it
should do; as JSON (`report`) and as a bilingual PDF (`pdf`), Chinese first.

A period is "YYYY", "YYYY-Qn", "YYYY-MM" or "YYYY-MM-DD/YYYY-MM-DD" (the end day included), in the recall time
zone (Settings.recall_timezone, China time by default): a month is the month as the enterprise lives it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from graph import lookup, supervision
from graph.clock import iso, now_ms
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.reports import pdf
from graph.risk import recalls
from graph.risk.warnings import COLOURS, read_warning

LIMIT = 500  # rows of each list: a report names at most this many tests, signals, warnings, recalls


@dataclass(frozen=True)
class Period:
    text: str
    start: date
    end: date  # exclusive
    zone: str

    def ms(self, day: date) -> int:
        return int(datetime.combine(day, time(), ZoneInfo(self.zone)).timestamp() * 1000)

    @property
    def from_ms(self) -> int:
        return self.ms(self.start)

    @property
    def to_ms(self) -> int:
        return self.ms(self.end)

    def json(self) -> dict[str, str]:
        return {"period": self.text, "from": self.start.isoformat(), "to": (self.end - timedelta(days=1)).isoformat()}


def parse_period(text: str, zone: str, argument: str = "period") -> Period:
    """A period, or BadInput naming `argument`."""
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            y = int(m[1])
            return Period(text, date(y, 1, 1), date(y + 1, 1, 1), zone)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            y, q = int(m[1]), int(m[2])
            start = date(y, 3 * q - 2, 1)
            return Period(text, start, date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1), zone)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            y, mo = int(m[1]), int(m[2])
            return Period(text, date(y, mo, 1), date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1), zone)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", text):
            start, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if last < start:
                raise BadInput(argument, f"{text!r}: the period ends before it starts")
            return Period(text, start, last + timedelta(days=1), zone)
    except ValueError as err:
        raise BadInput(argument, f"{text!r} is no date: {err}") from None
    raise BadInput(argument, f"{text!r} is not a period: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD")


def _failing_items(items_json: str | None) -> list[dict[str, Any]]:
    items = json.loads(items_json) if items_json else []
    return [i for i in items if i.get("pass") is False]


def _item_text(item: dict[str, Any]) -> str:
    value, limit, unit = item.get("value"), item.get("limit"), item.get("unit") or ""
    measured = f" {value}{unit}" if value is not None else ""
    bound = f" (限量 limit {limit}{unit})" if limit is not None else ""
    return f"{item['name']}{measured}{bound}"


async def report(graph: Graph, enterprise_id: str, period_text: str, now: int | None = None) -> dict[str, Any]:
    """The report as JSON-ready data; NotFound for an unknown enterprise, BadInput for a bad period."""
    period = parse_period(period_text, graph.settings.recall_timezone)
    enterprise = (await lookup.enterprises(graph, [enterprise_id]))[0]
    if enterprise is None:
        raise NotFound("enterprise", enterprise_id, "enterpriseId")
    window = {"id": enterprise_id, "from": period.from_ms, "to": period.to_ms, "limit": LIMIT}
    tests = await graph.read("reports/enterprise_tests", **window)
    signal_rows = await graph.read("reports/enterprise_signals", **window)
    warning_rows = await graph.read("reports/enterprise_warnings", **window)
    recall_ids = [r["id"] for r in await graph.read("reports/enterprise_recalls", **window)]
    touched = [r for r in await recalls.by_ids(graph, recall_ids) if r is not None]
    plan = (await supervision.inspection_plans(graph, [enterprise_id]))[0]

    failed = [t for t in tests if t["result"] == "FAIL"]
    by_product: dict[str, dict[str, Any]] = {}
    for t in tests:
        row = by_product.setdefault(
            t["product"], {"product": t["product"], "name": t["productName"], "tested": 0, "failed": 0}
        )
        row["tested"] += 1
        row["failed"] += t["result"] == "FAIL"
    incidents: dict[str, list[Any]] = {}
    for s in signal_rows:
        incidents.setdefault(s["incident"], []).append(s)

    warnings_json = []
    for found in warning_rows:
        w = read_warning(found)
        warnings_json.append(
            {
                "id": w.id,
                "grade": w.grade.value,
                "colour": COLOURS[w.grade],
                "status": w.status.value,
                "effectiveFrom": iso(w.effective_from_ms),
                "liftedAt": iso(w.lifted_at_ms) if w.lifted_at_ms else None,
                "measures": [m.kind.value for m in w.measures],
                "lots": found["lots"],
                "lotCount": found["lotCount"],
            }
        )
    recalls_json = []
    for r in touched:
        own = [ln for ln in r.lines if ln.enterprise_id == enterprise_id]
        recalls_json.append(
            {
                "id": r.id,
                "recallClass": r.recall_class.value,
                "status": r.status.value,
                "openedAt": iso(r.opened_at_ms),
                "finishBy": iso(r.finish_by_ms),
                "warningId": r.warning_id,
                "effectiveness": r.effectiveness,
                "ownLines": [
                    {
                        "batch": ln.batch_id,
                        "unit": ln.unit,
                        "onHand": ln.on_hand,
                        "returned": ln.returned,
                        "outstanding": ln.outstanding,
                        "notified": ln.notified,
                    }
                    for ln in own
                ],
            }
        )
    grade = {
        "grade": enterprise.credit_grade.value,
        "blacklisted": enterprise.blacklisted,
        "inspectionRate": plan.rate if plan else None,
        "baseRate": plan.base_rate if plan else None,
        "reasons": [{"kind": x.kind, "detail": x.detail, "rate": x.rate} for x in plan.reasons] if plan else [],
    }
    body: dict[str, Any] = {
        "kind": "enterprise_report",
        "enterprise": {
            "id": enterprise.id,
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "country": enterprise.country,
            "region": enterprise.region,
        },
        **period.json(),
        "generatedAt": iso(now if now is not None else now_ms()),
        "monitoring": {
            "tested": len(tests),
            "failed": len(failed),
            "failRate": len(failed) / len(tests) if tests else None,
            "byProduct": sorted(by_product.values(), key=lambda r: r["product"]),
            "truncated": len(tests) >= LIMIT,
        },
        "failedTests": [
            {
                "id": t["id"],
                "batch": t["batch"],
                "product": t["product"],
                "lab": t["lab"],
                "labName": t["labName"],
                "testedAt": t["testedAt"],
                "failingItems": _failing_items(t["items"]),
            }
            for t in failed
        ],
        "signals": {
            "received": len(signal_rows),
            "incidents": len(incidents),  # duplicates of one incident count once
            "list": [
                {k: s[k] for k in ("id", "source", "channel", "hazard", "severity", "receivedAt", "incident")}
                for s in signal_rows
            ],
        },
        "warnings": warnings_json,
        "recalls": recalls_json,
        "credit": grade,
    }
    body["actions"] = actions(body)
    return body


def actions(body: dict[str, Any]) -> list[dict[str, str]]:
    """What the enterprise should do, from what the report found; each in Chinese and English."""
    out: list[dict[str, str]] = []
    for t in body["failedTests"]:
        items = ", ".join(_item_text(i) for i in t["failingItems"]) or "见检测报告 see the report"
        out.append(
            {
                "zh": f"查明批次 {t['batch']} 不合格原因（{items}），整改并报告；对同批次产品采取控制措施。",
                "en": f"Find the cause of lot {t['batch']} failing test {t['id']} ({items}), correct it and report; "
                "control the lot's goods.",
            }
        )
    for w in body["warnings"]:
        if w["status"] == "ACTIVE":
            measures = ", ".join(w["measures"])
            out.append(
                {
                    "zh": f"执行预警 {w['id']}（{w['grade']}级）的措施：{measures}；涉及批次 {', '.join(w['lots'])}。",
                    "en": f"Apply the measures of warning {w['id']} (grade {w['grade']}): {measures}; "
                    f"lots {', '.join(w['lots'])}.",
                }
            )
    for r in body["recalls"]:
        outstanding = [ln for ln in r["ownLines"] if ln["outstanding"] > 0]
        if r["status"] == "OPEN" and outstanding:
            held = ", ".join(f"{ln['batch']} {ln['outstanding']:g} {ln['unit']}" for ln in outstanding)
            out.append(
                {
                    "zh": f"在 {r['finishBy'][:10]} 前完成召回 {r['id']}，退回仍持有的产品：{held}。",
                    "en": f"Complete recall {r['id']} by {r['finishBy'][:10]}: return what you still hold ({held}).",
                }
            )
        elif r["status"] == "OPEN":
            out.append(
                {
                    "zh": f"配合召回 {r['id']}，通知下游收货人并记录退回。",
                    "en": f"Support recall {r['id']}: notify your consignees and record their returns.",
                }
            )
    credit = body["credit"]
    if credit["grade"] in ("DISHONEST", "SERIOUSLY_DISHONEST"):
        out.append(
            {
                "zh": "信用等级为失信：纠正违法行为，履行相关义务后可申请信用修复。",
                "en": "Your credit grade is dishonest: correct the violations and fulfil your duties, then apply "
                "for credit restoration.",
            }
        )
    if any(x["kind"] == "CONTAGION" for x in credit["reasons"]):
        out.append(
            {
                "zh": "因与失信企业存在关联，查验比例已提高：审查与其的股权、人员和业务关系。",
                "en": "Your inspection rate is raised by ties to a blacklisted enterprise: review those ties.",
            }
        )
    if not out:
        out.append(
            {
                "zh": "本期未发现问题：保持质量控制并按时报告风险信息。",
                "en": "Nothing found this period: keep up quality control and report risks on time.",
            }
        )
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def blocks(body: dict[str, Any]) -> list[pdf.Block]:
    e, m = body["enterprise"], body["monitoring"]
    credit = body["credit"]
    out: list[pdf.Block] = [
        pdf.Title(f"企业质量安全监测报告：{e['name']}", f"Quality and safety report to {e['name']}"),
        pdf.Facts(
            [
                ("企业 Enterprise", f"{e['name']} ({e['id']})"),
                ("统一社会信用代码 USCC", e["uscc"] or "—"),
                ("报告期 Period", f"{body['period']}: {body['from']} – {body['to']}"),
                ("生成时间 Generated", body["generatedAt"]),
            ]
        ),
        pdf.Heading("一、监测结果", "1. Monitoring results"),
        pdf.Facts(
            [
                ("检测批次 Tests", str(m["tested"])),
                ("不合格 Failed", str(m["failed"])),
                ("不合格率 Fail rate", _pct(m["failRate"])),
            ]
        ),
        pdf.Table(
            ["产品 Product", "名称 Name", "检测 Tested", "不合格 Failed"],
            [[r["product"], r["name"], r["tested"], r["failed"]] for r in m["byProduct"]],
        ),
        pdf.Heading("二、不合格检测", "2. Failed tests"),
        pdf.Table(
            ["报告 Report", "批次 Lot", "实验室 Lab", "日期 Tested", "不合格项目 Failing items"],
            [
                [
                    t["id"],
                    t["batch"],
                    t["labName"] or t["lab"] or "—",
                    t["testedAt"],
                    "; ".join(_item_text(i) for i in t["failingItems"]) or "—",
                ]
                for t in body["failedTests"]
            ],
        ),
        pdf.Heading("三、风险信息", "3. Risk signals"),
        pdf.Facts(
            [
                ("收到信息 Signals received", str(body["signals"]["received"])),
                ("事件（重复合并） Incidents (duplicates once)", str(body["signals"]["incidents"])),
            ]
        ),
        pdf.Table(
            ["编号 Signal", "渠道 Channel", "危害 Hazard", "日期 Received", "事件 Incident"],
            [
                [s["id"], s["channel"] or s["source"], s["hazard"], s["receivedAt"], s["incident"]]
                for s in body["signals"]["list"]
            ],
        ),
        pdf.Heading("四、涉及批次的预警", "4. Warnings on its lots"),
        pdf.Table(
            ["预警 Warning", "级别 Grade", "状态 Status", "生效 From", "措施 Measures", "批次 Lots"],
            [
                [
                    w["id"],
                    f"{w['grade']} {w['colour']}",
                    w["status"],
                    w["effectiveFrom"][:10],
                    ", ".join(w["measures"]),
                    ", ".join(w["lots"]),
                ]
                for w in body["warnings"]
            ],
        ),
        pdf.Heading("五、召回", "5. Recalls"),
        pdf.Table(
            ["召回 Recall", "级别 Class", "状态 Status", "期限 Finish by", "有效率 Effectiveness"],
            [
                [r["id"], r["recallClass"], r["status"], r["finishBy"][:10], _pct(r["effectiveness"])]
                for r in body["recalls"]
            ],
        ),
        pdf.Heading("六、信用等级与查验比例", "6. Credit grade and inspection rate"),
        pdf.Facts(
            [
                ("信用等级 Credit grade", credit["grade"] + (" (黑名单 blacklisted)" if credit["blacklisted"] else "")),
                ("查验比例 Inspection rate", _pct(credit["inspectionRate"])),
            ]
        ),
        pdf.Table(
            ["原因 Reason", "说明 Detail", "比例 Rate"],
            [[x["kind"], x["detail"], _pct(x["rate"])] for x in credit["reasons"]],
        ),
        pdf.Heading("七、企业应采取的措施", "7. What the enterprise should do"),
    ]
    for i, a in enumerate(body["actions"], 1):
        out.append(pdf.Paragraph(f"{i}. {a['zh']}\n   {a['en']}"))
    return out


async def render_pdf(graph: Graph, body: dict[str, Any]) -> bytes:
    footer = f"tracegraph · {body['enterprise']['id']} · {body['period']} · {body['generatedAt']}"
    return await pdf.render_async(blocks(body), footer, pdf.locate_font(graph.settings.report_font))
