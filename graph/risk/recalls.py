"""Recalls (contract/risk.graphql): a snapshot of the recall scope, deadlines by class, returns with a guard,
effectiveness, each consignee's status, the effectiveness check a class calls for, and a progress report.

Deadlines follow China's food recall rules: a class I recall starts within 24 hours and finishes within 10
working days, class II 48 hours / 20 working days, class III 72 hours / 30 working days. Working days are Monday
to Friday in Settings.recall_timezone (public holidays are not modelled)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from graph import values
from graph.clock import dated_id, now_ms
from graph.db import Graph, Tx
from graph.errors import BadInput, InvalidStoredValue, NotFound, valid
from graph.recall import RecallScope, recall_scope
from graph.risk.warnings import by_ids as warnings_by_ids

SCOPE_DEPTH = 10
RELATIVE_TOLERANCE = 1e-9  # quantities are floats: 0.1 + 0.2 returned of 0.3 shipped is all of it


def tolerance(shipped: float) -> float:
    """Rounding slack for sums of returns, relative to the quantity (10000000.4 + 0.3 is 10000000.7)."""
    return RELATIVE_TOLERANCE * max(1.0, abs(shipped))


class RecallClass(StrEnum):
    I = "I"  # noqa: E741 - the classes are Roman numerals
    II = "II"
    III = "III"


START_WITHIN_HOURS = {RecallClass.I: 24, RecallClass.II: 48, RecallClass.III: 72}
FINISH_WITHIN_WORKING_DAYS = {RecallClass.I: 10, RecallClass.II: 20, RecallClass.III: 30}
# Effectiveness checks by class, after the levels of 21 CFR 7.42(b)(3): the share of consignees to contact
# and confirm they received the notice and acted on it.
EFFECTIVENESS_CHECK = {RecallClass.I: ("A", 1.0), RecallClass.II: ("C", 0.10), RecallClass.III: ("D", 0.02)}


class ConsigneeStatus(StrEnum):
    NOT_NOTIFIED = "NOT_NOTIFIED"
    NOTIFIED = "NOTIFIED"
    PARTIALLY_RETURNED = "PARTIALLY_RETURNED"
    RETURNED = "RETURNED"


def add_working_days(start_ms: int, days: int, zone: str) -> int:
    """`days` working days (Monday to Friday, in `zone`) after `start_ms`, at the same local time."""
    moment = datetime.fromtimestamp(start_ms / 1000, ZoneInfo(zone))
    counted = 0
    while counted < days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            counted += 1
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class RecallLine:
    enterprise: str
    batch: str
    shipped: float
    returned: float
    notified: bool
    unit: str
    depth: int

    @classmethod
    def of(cls, m: dict[str, Any]) -> RecallLine:
        for field in ("shipped", "returned"):
            _finite(f"{field} of recall {m.get('recallId')!r} for {m['enterprise']}/{m['batch']}", m[field], REOPEN)
        return cls(m["enterprise"], m["batch"], m["shipped"], m["returned"], m["notified"], m["unit"], m["depth"])

    @property
    def outstanding(self) -> float:
        return max(0.0, self.shipped - self.returned)

    @property
    def status(self) -> ConsigneeStatus:
        if self.shipped > 0 and self.returned >= self.shipped - tolerance(self.shipped):
            return ConsigneeStatus.RETURNED
        if self.returned > 0:
            return ConsigneeStatus.PARTIALLY_RETURNED
        return ConsigneeStatus.NOTIFIED if self.notified else ConsigneeStatus.NOT_NOTIFIED


@dataclass(frozen=True)
class Recall:
    id: str
    recall_class: RecallClass
    opened_at_ms: int
    start_by_ms: int
    finish_by_ms: int
    warning_id: str | None
    sources: list[str]
    affected: list[tuple[str, int]]  # (batch id, depth) by depth then id
    lines: list[RecallLine]  # by enterprise id, then batch id
    opened_by: str

    @classmethod
    def of(cls, m: dict[str, Any], lines: list[dict[str, Any]]) -> Recall:
        """Refuses (InvalidStoredValue) a recall whose numbers no answer can carry, so that a mutation that
        builds its answer inside its transaction commits nothing it cannot answer."""
        recall = cls(
            id=m["id"],
            recall_class=RecallClass(m["recallClass"]),
            opened_at_ms=m["openedAtMs"],
            start_by_ms=m["startByMs"],
            finish_by_ms=m["finishByMs"],
            warning_id=m.get("warningId"),
            sources=list(m["sources"]),
            affected=list(zip(m["affectedBatchIds"], m["affectedDepths"], strict=True)),
            lines=[RecallLine.of(line) for line in lines],
            opened_by=m["openedBy"],
        )
        for what, value in (("shipped", recall.shipped), ("returned", recall.returned)):
            _finite(f"the sum of the quantities {what} of recall {recall.id!r}", value, REOPEN)
        return recall

    @property
    def shipped(self) -> float:
        return sum(line.shipped for line in self.lines)

    @property
    def returned(self) -> float:
        return sum(line.returned for line in self.lines)

    @property
    def effectiveness(self) -> float:
        """sum(returned) / sum(shipped); 0 when nothing was shipped."""
        shipped = self.shipped
        return self.returned / shipped if shipped > 0 else 0.0

    @property
    def consignee_ids(self) -> list[str]:
        return sorted({line.enterprise for line in self.lines})

    def check(self) -> tuple[str, float, int]:
        """The effectiveness check the class calls for: level, share of consignees, how many to contact."""
        level, share = EFFECTIVENESS_CHECK[self.recall_class]
        return level, share, math.ceil(share * len(self.consignee_ids))

    def progress(self, now: int) -> dict[str, Any]:
        notified = {line.enterprise for line in self.lines if line.notified}
        done = {
            e
            for e in self.consignee_ids
            if all(ln.status == ConsigneeStatus.RETURNED for ln in self.lines if ln.enterprise == e)
        }
        goods_out = any(line.status != ConsigneeStatus.RETURNED and line.shipped > 0 for line in self.lines)
        return {
            "consignees": len(self.consignee_ids),
            "notified": len(notified),
            "fullyReturned": len(done),
            "shipped": self.shipped,
            "returned": self.returned,
            "effectiveness": self.effectiveness,
            "startOverdue": now > self.start_by_ms and bool(self.lines) and not notified,
            "finishOverdue": now > self.finish_by_ms and goods_out,
        }


REOPEN = "it was opened before such quantities were refused: correct the shipments and open a new recall"


def _finite(what: str, value: float, remedy: str = InvalidStoredValue.REIMPORT) -> None:
    if not math.isfinite(value):
        raise InvalidStoredValue(what, value, remedy)


def _answerable(scope: RecallScope) -> None:
    """Every quantity a recall of the scope answers (its lines, its batches) is finite; checked before anything
    is written, since a graph written before imports refused them may hold infinite ones."""
    for traced in scope.affected:
        _finite(f"the quantity of batch {traced.batch.id!r}", traced.batch.quantity)
    for c in scope.consignees:
        for h in c.holdings:
            _finite(f"the quantity shipped of batch {h.batch.id!r} to {c.enterprise_id!r}", h.quantity)


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[Recall | None]:
    return _by_ids(await graph.read("risk/recalls", ids=list(ids)), ids)


async def _read_back(tx: Tx, recall_id: str) -> Recall:
    """The recall as the mutation answers it, read inside its transaction: what it cannot answer rolls back."""
    return _by_ids(await tx.run("risk/recalls", ids=[recall_id]), [recall_id])[0]  # type: ignore[return-value]


def _by_ids(rows: Sequence[Any], ids: Sequence[str]) -> list[Recall | None]:
    found = {r["recall"]["id"]: Recall.of(r["recall"], r["lines"]) for r in rows}
    return [found.get(i) for i in ids]


async def open_recall(
    graph: Graph,
    batch_ids: Sequence[str],
    recall_class: RecallClass,
    warning_id: str | None = None,
    by: str = "anonymous",
    now: int | None = None,
) -> Recall:
    at = now if now is not None else now_ms()
    if warning_id is not None and (await warnings_by_ids(graph, [warning_id]))[0] is None:
        raise NotFound("warning", warning_id, "warningId")
    scope = await recall_scope(graph, list(batch_ids), SCOPE_DEPTH)
    _answerable(scope)
    depth = {t.batch.id: t.depth for t in scope.affected}
    recall_id = dated_id("RC", at)
    props = {
        "id": recall_id,
        "recallClass": recall_class.value,
        "openedAtMs": at,
        "startByMs": at + START_WITHIN_HOURS[recall_class] * 3_600_000,
        "finishByMs": add_working_days(at, FINISH_WITHIN_WORKING_DAYS[recall_class], graph.settings.recall_timezone),
        "warningId": warning_id,
        "sources": [b.id for b in scope.sources],
        "affectedBatchIds": [t.batch.id for t in scope.affected],
        "affectedDepths": [t.depth for t in scope.affected],
        "openedBy": by,
    }
    lines = [
        {
            "enterprise": c.enterprise_id,
            "batch": h.batch.id,
            "shipped": float(h.quantity),
            "unit": h.unit,
            "depth": depth.get(h.batch.id, h.depth),
        }
        for c in scope.consignees
        for h in c.holdings
    ]
    props = {k: v for k, v in props.items() if v is not None}

    async def work(tx: Tx) -> Recall:
        await tx.run("risk/create_recall", recall=props, lines=lines)
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


async def record_return(
    graph: Graph, recall_id: str, enterprise_id: str, batch_id: str, quantity: float, now: int | None = None
) -> Recall:
    """Add `quantity` to what the consignee returned of the batch and mark it notified; more than is still out
    is refused."""
    at = now if now is not None else now_ms()
    # A GraphQL literal of 1e400 arrives as inf: graphql-core checks only variables for finiteness.
    quantity = valid("quantity", values.Quantity, quantity)

    async def work(tx: Tx) -> Recall:
        rows = await tx.run("risk/lock_recall_line", key=f"{recall_id}|{enterprise_id}|{batch_id}", now=at)
        if not rows:
            recall = await tx.run("risk/recalls", ids=[recall_id])
            if not recall:
                raise NotFound("recall", recall_id, "recallId")
            raise NotFound(
                "consignee and batch", f"{enterprise_id}/{batch_id}", f"enterpriseId, batchId of {recall_id}"
            )
        line = RecallLine.of(rows[0]["line"])
        if quantity > line.outstanding + tolerance(line.shipped):
            raise BadInput(
                "quantity",
                f"{quantity} {line.unit} is more than the {line.outstanding} {line.unit} {enterprise_id} still holds "
                f"of {batch_id} (shipped {line.shipped}, returned {line.returned})",
            )
        returned = min(line.shipped, line.returned + quantity)
        key = f"{recall_id}|{enterprise_id}|{batch_id}"
        await tx.run("risk/update_recall_lines", lines=[{"key": key, "returned": returned, "notified": True}], now=at)
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


async def mark_notified(graph: Graph, recall_id: str, enterprise_id: str, now: int | None = None) -> Recall:
    at = now if now is not None else now_ms()

    async def work(tx: Tx) -> Recall:
        rows = await tx.run("risk/notify_recall_lines", recallId=recall_id, enterpriseId=enterprise_id, now=at)
        if not rows or rows[0]["notified"] == 0:
            if not await tx.run("risk/recalls", ids=[recall_id]):
                raise NotFound("recall", recall_id, "recallId")
            raise NotFound("consignee", enterprise_id, "enterpriseId")
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


CSV_COLUMNS = [
    "recall_id",
    "recall_class",
    "consignee_id",
    "batch_id",
    "depth",
    "shipped",
    "returned",
    "outstanding",
    "unit",
    "notified",
    "status",
]


def progress_rows(recall: Recall) -> list[dict[str, Any]]:
    """The progress report a coordinator sends, one row per consignee and batch (GET /recalls/{id}.csv)."""
    return [
        {
            "recall_id": recall.id,
            "recall_class": recall.recall_class.value,
            "consignee_id": line.enterprise,
            "batch_id": line.batch,
            "depth": line.depth,
            "shipped": line.shipped,
            "returned": line.returned,
            "outstanding": line.outstanding,
            "unit": line.unit,
            "notified": "yes" if line.notified else "no",
            "status": line.status.value,
        }
        for line in recall.lines
    ]
