"""Evidence dossiers (the plan's tasks 10 and 11): for a warning, a downgrade review or a blacklisting, one zip to
refer to another department or a court, holding

- dossier.pdf: the decision, the timeline, the evidence and who decided what, Chinese first;
- decision.json: the decision's record as the service holds it;
- evidence.ndjson: the records it rests on (signals with their channel fields, assessments, recalls, contagion
  paths, the listing's evidence), one JSON object a line;
- versions.ndjson: earlier versions of those records that imports replaced (graph/audit.py record_versions);
- audit.ndjson: the audit trail's events that name the decision or its records (who did and read what, when);
- timeline.json: every dated step, in order;
- manifest.json: each other file's name, size and SHA-256, so a recipient can check nothing was changed.

Every file is built from the graph at the time of the download; manifest.json says when."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from graph import audit, credit, reviews
from graph.clock import iso, now_ms
from graph.db import Graph
from graph.errors import NotFound
from graph.reports import pdf
from graph.risk import assessment, recalls, signals, warnings

Kind = Literal["warning", "review", "blacklist"]
MAX_AUDIT = 2000


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _dumps(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


async def _audit_events(graph: Graph, ids: list[str]) -> list[dict[str, Any]]:
    rows = await graph.read("reports/audit_for_ids", ids=ids, limit=MAX_AUDIT)
    return [_plain(audit.read_event(r)) for r in rows]


async def _versions(graph: Graph, record_type: str, ids: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in ids:
        out.extend({"recordType": record_type, **v} for v in await audit.record_versions(graph, record_type, i))
    return out


async def _warning(graph: Graph, warning_id: str) -> dict[str, Any]:
    w = (await warnings.by_ids(graph, [warning_id]))[0]
    if w is None:
        raise NotFound("warning", warning_id, "id")
    sigs = [s for s in await signals.signals_by_id(graph, list(w.signal_ids)) if s is not None]
    assessed = [await assessment.assess_signal(graph, s) for s in sigs]
    recall_ids = [r["id"] for r in await graph.read("risk/warning_recalls", id=warning_id)]
    opened = [r for r in await recalls.by_ids(graph, recall_ids) if r is not None]
    evidence: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    for s, a in zip(sigs, assessed, strict=True):
        evidence.append({"kind": "signal", **_plain(s)})
        evidence.append(
            {
                "kind": "assessment",
                "signalId": s.id,
                "riskLevel": a.risk_level.value,
                "affectedBatchCount": a.affected_batches,
                "consigneeCount": a.consignees,
                "grade": a.grade.value,
                "rationale": a.rationale,
                "path": f"signal {s.id} -ABOUT-> {s.subject_kind} {s.subject_id} -> warning {w.id}",
            }
        )
        timeline.append(
            {"at": s.received_at, "what": f"signal {s.id} received ({s.source}, {s.channel or '-'})", "by": None}
        )
    for e in w.events:
        timeline.append({"at": iso(e.at_ms), "what": e.text(), "by": e.by})
    for r in opened:
        evidence.append(
            {
                "kind": "recall",
                "id": r.id,
                "recallClass": r.recall_class.value,
                "status": r.status.value,
                "effectiveness": r.effectiveness,
                "sources": r.sources,
                "openedBy": r.opened_by,
            }
        )
        timeline.append(
            {
                "at": iso(r.opened_at_ms),
                "what": f"recall {r.id} opened (class {r.recall_class.value})",
                "by": r.opened_by,
            }
        )
    decision = {
        "kind": "warning",
        "id": w.id,
        "grade": w.grade.value,
        "assessedGrade": w.assessed_grade.value,
        "colour": w.colour,
        "status": w.status.value,
        "effectiveFrom": iso(w.effective_from_ms),
        "liftedAt": iso(w.lifted_at_ms) if w.lifted_at_ms else None,
        "targets": _plain(w.targets),
        "measures": _plain(w.measures),
        "history": w.history,
        "signalIds": list(w.signal_ids),
    }
    decided = [{"at": iso(e.at_ms), "by": e.by, "action": e.action, "reason": e.reason} for e in w.events]
    return {
        "decision": decision,
        "evidence": evidence,
        "versions": await _versions(graph, "risk_signal", [s.id for s in sigs]),
        "ids": [w.id, *w.signal_ids, *recall_ids],
        "timeline": timeline,
        "decided": decided,
        "title": (f"预警证据卷宗 {w.id}", f"Evidence dossier of warning {w.id}"),
    }


async def _review(graph: Graph, review_id: str) -> dict[str, Any]:
    r = (await reviews.by_ids(graph, [review_id]))[0]
    if r is None:
        raise NotFound("downgrade review", review_id, "id")
    evidence = [
        {
            "kind": "contagion_path",
            "score": p.score,
            "source": p.source_id,
            "path": " -> ".join([p.hops[0].from_id, *(f"{h.kind} {h.to_id}" for h in p.hops)]) if p.hops else None,
            "hops": _plain(p.hops),
        }
        for p in r.evidence
    ]
    timeline: list[dict[str, Any]] = [
        {
            "at": r.opened_at.isoformat(),
            "what": f"review {r.id} opened (score {r.score}, {r.action})",
            "by": r.opened_by,
        }
    ]
    decided = [{"at": r.opened_at.isoformat(), "by": r.opened_by, "action": "OPENED", "reason": None}]
    if r.decided_at is not None:
        timeline.append(
            {"at": r.decided_at.isoformat(), "what": f"review {r.id} {r.status.value.lower()}", "by": r.decided_by}
        )
        decided.append(
            {"at": r.decided_at.isoformat(), "by": r.decided_by, "action": r.status.value, "reason": r.decision_reason}
        )
    decision = {k: v for k, v in _plain(r).items() if k != "evidence"}
    return {
        "decision": {"kind": "review", **decision},
        "evidence": evidence,
        "versions": await _versions(graph, "enterprise", [r.enterprise_id]),
        "ids": [r.id, r.enterprise_id, *r.sources],
        "timeline": timeline,
        "decided": decided,
        "title": (f"降级审查证据卷宗 {r.id}", f"Evidence dossier of downgrade review {r.id}"),
    }


async def _blacklist(graph: Graph, entry_id: str) -> dict[str, Any]:
    entry = await credit.listing(graph, entry_id)
    if entry is None:
        raise NotFound("blacklist entry", entry_id, "id")
    timeline: list[dict[str, Any]] = [{"at": entry.listed_at, "what": f"listed: {entry.reason}", "by": entry.agency_id}]
    decided = [{"at": entry.listed_at, "by": entry.agency_id, "action": "LISTED", "reason": entry.reason}]
    if entry.lift_requested_by and entry.lift_requested_at_ms:
        timeline.append(
            {"at": iso(entry.lift_requested_at_ms), "what": "lifting requested", "by": entry.lift_requested_by}
        )
        decided.append(
            {
                "at": iso(entry.lift_requested_at_ms),
                "by": entry.lift_requested_by,
                "action": "LIFT_REQUESTED",
                "reason": entry.lift_request_reason,
            }
        )
    if entry.lifted_at_ms:
        timeline.append({"at": iso(entry.lifted_at_ms), "what": "lifted", "by": entry.lifted_by})
        decided.append(
            {"at": iso(entry.lifted_at_ms), "by": entry.lifted_by, "action": "LIFTED", "reason": entry.lift_reason}
        )
    return {
        "decision": {"kind": "blacklist", **_plain(entry)},
        "evidence": [{"kind": "listing_evidence", **_plain(entry.evidence())}],
        "versions": await _versions(graph, "blacklist", [entry.id]),
        "ids": [entry.id, *([entry.enterprise_id] if entry.enterprise_id else [])],
        "timeline": timeline,
        "decided": decided,
        "title": (f"黑名单证据卷宗 {entry.id}", f"Evidence dossier of blacklisting {entry.id}"),
    }


async def gather(graph: Graph, kind: Kind, ident: str) -> dict[str, Any]:
    """The dossier's contents (NotFound for an unknown decision), with its audit trail and ordered timeline."""
    body = await {"warning": _warning, "review": _review, "blacklist": _blacklist}[kind](graph, ident)
    events = await _audit_events(graph, list(dict.fromkeys(body["ids"])))
    body["audit"] = events
    body["timeline"] = sorted(
        [
            *body["timeline"],
            *({"at": e["at"], "what": f"{e['operation']} ({e['outcome']})", "by": e["subject"]} for e in events),
        ],
        key=lambda t: str(t["at"]),
    )
    return body


def blocks(body: dict[str, Any], generated: str) -> list[pdf.Block]:
    zh, en = body["title"]
    d = body["decision"]
    return [
        pdf.Title(zh, en),
        pdf.Facts([("生成时间 Generated", generated), ("决定 Decision", f"{d['kind']} {d['id']}")]),
        pdf.Heading("一、决定", "1. The decision"),
        pdf.Facts(
            [
                (str(k), json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
                for k, v in d.items()
                if v not in (None, [], {})
            ]
        ),
        pdf.Heading("二、谁决定了什么", "2. Who decided what"),
        pdf.Table(
            ["时间 At", "人员 By", "行为 Action", "理由 Reason"],
            [[x["at"], x["by"] or "—", x["action"], x["reason"] or "—"] for x in body["decided"]],
        ),
        pdf.Heading("三、时间线", "3. Timeline"),
        pdf.Table(
            ["时间 At", "事项 What", "人员 By"], [[t["at"], t["what"], t["by"] or "—"] for t in body["timeline"]]
        ),
        pdf.Heading("四、证据", "4. Evidence"),
        *[pdf.Paragraph(_dumps(e)) for e in body["evidence"]],
        pdf.Paragraph(
            "机器可读记录见 evidence.ndjson、versions.ndjson、audit.ndjson；各文件的 SHA-256 见 manifest.json。\n"
            "The machine-readable records are in evidence.ndjson, versions.ndjson and audit.ndjson; "
            "manifest.json holds each file's SHA-256."
        ),
    ]


def _ndjson(rows: list[Any]) -> bytes:
    return "".join(_dumps(r) + "\n" for r in rows).encode()


async def bundle(graph: Graph, kind: Kind, ident: str, now: int | None = None) -> bytes:
    """The dossier as a zip (bytes)."""
    body = await gather(graph, kind, ident)
    generated = iso(now if now is not None else now_ms())
    document = await pdf.render_async(
        blocks(body, generated),
        f"tracegraph · {kind} {ident} · {generated}",
        pdf.locate_font(graph.settings.report_font),
    )
    files = {
        "dossier.pdf": document,
        "decision.json": (_dumps(body["decision"]) + "\n").encode(),
        "evidence.ndjson": _ndjson(body["evidence"]),
        "versions.ndjson": _ndjson(body["versions"]),
        "audit.ndjson": _ndjson(body["audit"]),
        "timeline.json": (_dumps(body["timeline"]) + "\n").encode(),
    }
    manifest = {
        "dossier": {"kind": kind, "id": ident},
        "generatedAt": generated,
        "files": [{"name": n, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in files.items()],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return out.getvalue()
