"""Foreign technical trade measures (the plan's task 13): a trading partner's requirement on goods under some HS
codes (a WTO TBT or SPS notification, most often), the local exporters it affects found through the graph (who
exported goods under those codes to that country, with their volumes per unit), an impact report, and an
information notice to each affected exporter, signed by the officer who sends it.

Measures arrive as foreign_measure records (the import path: validated, versioned, idempotent like any record) or
the recordForeignMeasure mutation, which imports one such record."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from graph.clock import iso, now_ms
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.ingest.write import SYSTEM_SUPPLIER
from graph.records import parse_instant
from graph.reports import pdf

DAY_MS = 86_400_000
LOOKBACK_DAYS = 365  # exports counted by default: the year before the measure was notified
MAX_EXPORTERS = 1000


async def record(graph: Graph, fields: dict[str, Any], supplied_by: str = SYSTEM_SUPPLIER) -> dict[str, Any]:
    """One foreign_measure record through the import path; the stored measure. BadInput names `input.<field>`."""
    from graph.imports import import_lines  # graph.imports imports the risk modules; keep this module light

    report = await import_lines(graph, [json.dumps({"type": "foreign_measure", **fields})], supplied_by=supplied_by)
    if not report.ok:
        first = report.errors[0]
        raise BadInput(f"input.{first.field}" if first.field else "input", first.message)
    return (await by_ids(graph, [fields["id"]]))[0] or {}


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[dict[str, Any] | None]:
    rows = {r["measure"]["id"]: r["measure"] for r in await graph.read("foreign/measures", ids=list(ids))}
    return [_public(rows[i]) if i in rows else None for i in ids]


def _public(m: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in m.items() if not k.startswith("_") and k != "suppliedBy"}
    out["notices"] = [
        {"enterprise": n["enterpriseId"], "signedBy": n["signedBy"], "sentAt": iso(n["sentAtMs"]), "text": n["text"]}
        for n in m.get("notices", [])
    ]
    return out


async def _measure(graph: Graph, measure_id: str) -> dict[str, Any]:
    found = (await by_ids(graph, [measure_id]))[0]
    if found is None:
        raise NotFound("foreign measure", measure_id, "id")
    return found


def _since_ms(measure: dict[str, Any], since: str | None) -> int:
    if since is None:
        return measure["notifiedAtMs"] - LOOKBACK_DAYS * DAY_MS
    try:
        return int(parse_instant(since).timestamp() * 1000)
    except ValueError as err:
        raise BadInput("since", f"{since!r} is not an ISO 8601 date: {err}") from None


async def affected_exporters(graph: Graph, measure_id: str, since: str | None = None) -> list[dict[str, Any]]:
    """The exporters the measure affects, by id, each with its volumes per unit (never added across units)."""
    measure = await _measure(graph, measure_id)
    rows = await graph.read(
        "foreign/affected_exporters", id=measure_id, since=_since_ms(measure, since), limit=MAX_EXPORTERS
    )
    return [
        {
            **{k: r[k] for k in ("enterprise", "name", "country", "volumes", "shipments", "products")},
            "lastShippedAt": iso(r["lastMs"]),
        }
        for r in rows
    ]


async def impact(graph: Graph, measure_id: str, since: str | None = None, now: int | None = None) -> dict[str, Any]:
    """The impact report: the measure, the exporters it affects, and the totals per unit."""
    measure = await _measure(graph, measure_id)
    exporters = await affected_exporters(graph, measure_id, since)
    totals: dict[str, dict[str, float]] = {}
    for x in exporters:
        for v in x["volumes"]:
            t = totals.setdefault(v["unit"], {"quantity": 0.0, "shipments": 0})
            t["quantity"] += v["quantity"]
            t["shipments"] += v["shipments"]
    return {
        "kind": "foreign_measure_impact",
        "measure": {k: v for k, v in measure.items() if k != "notices"},
        "since": iso(_since_ms(measure, since)),
        "generatedAt": iso(now if now is not None else now_ms()),
        "exporterCount": len(exporters),
        "exporters": exporters,
        "totalsByUnit": [{"unit": u, **t} for u, t in sorted(totals.items())],
        "notices": measure["notices"],
    }


def notice_text(measure: dict[str, Any], exporter: dict[str, Any]) -> str:
    volumes = ", ".join(f"{v['quantity']:g} {v['unit']}" for v in exporter["volumes"])
    source = measure.get("notification") or measure.get("sourceUrl") or measure["id"]
    effective = measure.get("effectiveFrom") or "—"
    return (
        f"国外技术性贸易措施通报：{measure['country']} {measure['kind']} {source}「{measure['title']}」，"
        f"涉及 HS {', '.join(measure['hsCodes'])}，生效 {effective}。贵企业近期对该国出口相关产品 {volumes}，"
        f"请评估影响并按要求调整。\n"
        f"Notice of a foreign technical trade measure: {measure['country']} {measure['kind']} {source} "
        f'"{measure["title"]}" on HS {", ".join(measure["hsCodes"])}, effective {effective}. You exported such '
        f"goods to that country ({volumes}): assess its impact and meet its requirement: {measure['requirement']}"
    )


async def notify(
    graph: Graph, measure_id: str, by: str, since: str | None = None, now: int | None = None
) -> list[dict[str, Any]]:
    """An information notice to every exporter the measure affects, signed by `by`; each with `created` false
    when that exporter had been notified before (the first notice stands)."""
    measure = await _measure(graph, measure_id)
    exporters = await affected_exporters(graph, measure_id, since)
    rows = await graph.write(
        "foreign/notify_exporters",
        id=measure_id,
        exporters=[{"enterprise": x["enterprise"], "text": notice_text(measure, x)} for x in exporters],
        by=by,
        now=now if now is not None else now_ms(),
    )
    return [
        {
            "enterprise": r["notice"]["enterpriseId"],
            "signedBy": r["notice"]["signedBy"],
            "sentAt": iso(r["notice"]["sentAtMs"]),
            "text": r["notice"]["text"],
            "created": r["created"],
        }
        for r in rows
    ]


def blocks(body: dict[str, Any]) -> list[pdf.Block]:
    m = body["measure"]
    return [
        pdf.Title(
            f"国外技术性贸易措施影响报告：{m['title']}", f"Impact of a foreign technical trade measure: {m['title']}"
        ),
        pdf.Facts(
            [
                ("措施 Measure", m["id"]),
                ("国家 Country", m["country"]),
                ("类型 Kind", m["kind"]),
                ("通报号 Notification", m.get("notification") or "—"),
                ("HS 编码 HS codes", ", ".join(m["hsCodes"])),
                ("通报日期 Notified", m["notifiedAt"]),
                ("生效日期 Effective", m.get("effectiveFrom") or "—"),
                ("统计自 Exports since", body["since"][:10]),
            ]
        ),
        pdf.Heading("要求", "Requirement"),
        pdf.Paragraph(m["requirement"]),
        pdf.Heading("受影响的出口企业", "Exporters affected"),
        pdf.Table(
            ["企业 Exporter", "名称 Name", "批次 Shipments", "数量 Volumes", "产品 Products", "最近 Last"],
            [
                [
                    x["enterprise"],
                    x["name"],
                    x["shipments"],
                    "; ".join(f"{v['quantity']:g} {v['unit']}" for v in x["volumes"]),
                    ", ".join(x["products"]),
                    x["lastShippedAt"][:10],
                ]
                for x in body["exporters"]
            ],
        ),
        pdf.Heading("按单位合计", "Totals per unit"),
        pdf.Table(
            ["单位 Unit", "数量 Quantity", "批次 Shipments"],
            [[t["unit"], f"{t['quantity']:g}", t["shipments"]] for t in body["totalsByUnit"]],
        ),
        pdf.Heading("已发通知", "Notices sent"),
        pdf.Table(
            ["企业 Exporter", "签发 Signed by", "时间 Sent"],
            [[n["enterprise"], n["signedBy"], n["sentAt"]] for n in body["notices"]],
        ),
    ]


async def render_pdf(graph: Graph, body: dict[str, Any]) -> bytes:
    footer = f"tracegraph · {body['measure']['id']} · {body['generatedAt']}"
    return await pdf.render_async(blocks(body), footer, pdf.locate_font(graph.settings.report_font))
