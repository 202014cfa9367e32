"""Stage 3, rows: each record as the parameters of its named upsert statement (Neo4j-storable values only)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graph import records as rec
from graph.records import CreditGrade, LinkKind, parse_instant

LINK_REL_TYPES = {
    LinkKind.SHAREHOLDER: "SHAREHOLDER_OF",
    LinkKind.LEGAL_REPRESENTATIVE: "LEGAL_REPRESENTATIVE_OF",
    LinkKind.OFFICER: "OFFICER_OF",
}


def content_hash(record: Any) -> str:
    """The record's content: the same for the same values, whatever the key order or spacing of the line."""
    canonical = record.model_dump_json(by_alias=True, exclude_none=True)  # fields in model order
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def _epoch_ms(value: str | None) -> int | None:
    return None if value is None else int(parse_instant(value).timestamp() * 1000)


def node_row(record: Any) -> dict[str, Any]:
    """The node's properties: what the record says, in Neo4j-storable form (no maps or lists of maps)."""
    props: dict[str, Any]
    match record:
        case rec.Enterprise():
            props = {
                "name": record.name,
                "roles": list(record.roles),
                "country": record.country,
                "region": record.region,
                "uscc": record.uscc,
                "declaredGrade": record.creditGrade or CreditGrade.REGULAR.value,
            }
        case rec.Batch():
            props = {
                "quantity": record.quantity,
                "unit": record.unit,
                "producedAt": record.producedAt,
                "producedAtMs": _epoch_ms(record.producedAt),
                "originCountry": record.originCountry,
            }
        case rec.Shipment():
            props = {
                "quantity": record.quantity,
                "shippedAt": record.shippedAt,
                "shippedAtMs": _epoch_ms(record.shippedAt),
                "direction": record.direction,
                "port": record.port,
                "declaration": record.declaration,
            }
        case rec.TestReport():
            props = {
                "result": record.result,
                "testedAt": record.testedAt,
                "testedAtMs": _epoch_ms(record.testedAt),
                "items": json.dumps(
                    [i.model_dump(by_alias=True, exclude_none=True) for i in record.items], ensure_ascii=False
                ),
                "planTarget": record.planTarget,
                "stage": record.stage,
            }
        case rec.MonitoringPlan():
            props = {
                "name": record.name,
                "periodStart": record.periodStart,
                "periodStartMs": _epoch_ms(record.periodStart),
                "periodEnd": record.periodEnd,
                "periodEndMs": _epoch_ms(record.periodEnd),
                "stages": list(record.stages),
                "agencies": list(record.agencies),
                "description": record.description,
                # Targets are nested (quotas per stage): JSON, read back by graph/monitoring/plans.py.
                "targets": json.dumps([t.model_dump(exclude_none=True) for t in record.targets], ensure_ascii=False),
                "targetIds": [t.id for t in record.targets],
            }
        case rec.Lab():
            props = {
                "name": record.name,
                "accreditation": record.accreditation,
                "recognized": record.recognized,
                "status": record.status,
                "statusSince": record.statusSince,
            }
        case rec.Blacklist():
            props = {
                "reason": record.reason,
                "listedAt": record.listedAt,
                "listedAtMs": _epoch_ms(record.listedAt),
                "expiresAt": record.expiresAt,
                "expiresAtMs": _epoch_ms(record.expiresAt),
                "serious": record.serious,
            }
        case rec.RiskSignal():
            props = {
                "source": record.source,
                "hazard": record.hazard,
                "severity": record.severity,
                "probability": record.probability,
                "receivedAt": record.receivedAt,
                "receivedAtMs": _epoch_ms(record.receivedAt),
                "description": record.description,
                "subjectKind": record.subject.kind,
                "subjectId": record.subject.ref,
                "channel": record.channel.kind if record.channel else None,
                "channelDetails": json.dumps(record.channel.model_dump(exclude_none=True), ensure_ascii=False)
                if record.channel
                else None,
                "incidentKey": record.incidentKey,
            }
        case rec.ForeignMeasure():
            props = {
                **record.model_dump(exclude={"type", "id"}, exclude_none=True),
                "notifiedAtMs": _epoch_ms(record.notifiedAt),
                "effectiveFromMs": _epoch_ms(record.effectiveFrom),
            }
        case _:
            props = record.model_dump(exclude={"type", "id"}, exclude_none=True)
    row = {"id": record.id, "hash": content_hash(record), "props": {k: v for k, v in props.items() if v is not None}}
    if isinstance(record, rec.Lab):
        row["statusSinceMs"] = _epoch_ms(record.statusSince)
    return row


def upsert_row(record: Any) -> dict[str, Any]:
    """The node's row, with the references its upsert statement links (all to nodes of earlier types)."""
    row = node_row(record)
    if isinstance(
        record, rec.Batch | rec.Shipment | rec.TestReport | rec.Blacklist | rec.RiskSignal | rec.MonitoringPlan
    ):
        row.update({k: v for k, v in relation_row(record).items() if k not in ("id", "inputs")})
    return row


def relation_row(record: Any) -> dict[str, Any]:
    match record:
        case rec.Batch():
            return {
                "id": record.id,
                "product": record.product,
                "producer": record.producer,
                "inputs": [{"batch": i.batch, "quantity": i.quantity} for i in record.inputs],
            }
        case rec.Shipment():
            return {"id": record.id, "batch": record.batch, "from": record.from_, "to": record.to}
        case rec.MonitoringPlan():
            return {"id": record.id, "agencies": list(record.agencies)}
        case rec.TestReport():
            return {"id": record.id, "lab": record.lab, "batch": record.batch, "plan": record.plan}
        case rec.Blacklist():
            return {
                "id": record.id,
                "enterprise": record.enterprise,
                "agency": record.agency,
                "serious": record.serious,
            }
        case rec.RiskSignal():
            s = record.subject
            return {
                "id": record.id,
                "subjectBatch": s.batch,
                "subjectProduct": s.product,
                "subjectEnterprise": s.enterprise,
            }
    raise TypeError(f"no relationships for {type(record).__name__}")


def link_row(kind: str, holder: str, to: str, share: float | None, holder_is_person: bool) -> dict[str, Any]:
    return {
        "relType": LINK_REL_TYPES[LinkKind(kind)],
        "to": to,
        "share": share,
        "fromPerson": holder if holder_is_person else None,
        "fromEnterprise": None if holder_is_person else holder,
    }
