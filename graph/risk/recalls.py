"""Recalls (contract/risk.graphql): a snapshot of the recall scope, deadlines by class, returns with a guard,
effectiveness per unit, each consignee's status, the effectiveness check a class calls for, a progress report, a
listing, and closing with a final report.

What a recall must recover from a consignee is what it still held when the recall opened (onHand: received minus
forwarded minus used), so a lot that passed importer -> maker -> bakery is counted once, at the tiers that hold it.
Quantities of different units are never added: effectiveness is measured per unit, and the recall's is the
smallest of them.

A recall is OPEN until it is closed with a reason; closing freezes a final report on it (effectiveness per unit, the
consignees not reached) and a CLOSED recall takes no more returns or notices. Every change of a recall takes the
recall's lock first (risk/lock_recall), so a return cannot slip in between a close's reading of the lines and its
report.

Deadlines follow China's food recall rules: a class I recall starts within 24 hours and finishes within 10
working days, class II 48 hours / 20 working days, class III 72 hours / 30 working days. Working days are Monday
to Friday in Settings.recall_timezone (public holidays are not modelled)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from graph import lookup, values
from graph.actor import ANONYMOUS
from graph.clock import dated_id, iso, now_ms
from graph.db import Graph, Tx
from graph.errors import BadInput, InvalidStoredValue, NotFound, check_range, optional, required, valid
from graph.mass_balance import on_hand
from graph.mass_balance import slack as tolerance  # 0.1 + 0.2 returned of 0.3 shipped is all of it
from graph.nodes import BatchNode, EnterpriseNode, ProductNode
from graph.read_model import MAX_PAGE, ROW, column, from_row, read_by_id, read_model
from graph.recall_scope import RecallScope, recall_scope
from graph.risk.assessment import SCOPE_DEPTH
from graph.risk.warnings import by_ids as warnings_by_ids


class RecallClass(StrEnum):
    I = "I"  # noqa: E741 - the classes are Roman numerals
    II = "II"
    III = "III"


START_WITHIN_HOURS = {RecallClass.I: 24, RecallClass.II: 48, RecallClass.III: 72}
FINISH_WITHIN_WORKING_DAYS = {RecallClass.I: 10, RecallClass.II: 20, RecallClass.III: 30}
# Effectiveness checks by class, after the levels of 21 CFR 7.42(b)(3): the share of consignees to contact
# and confirm they received the notice and acted on it.
EFFECTIVENESS_CHECK = {RecallClass.I: ("A", 1.0), RecallClass.II: ("C", 0.10), RecallClass.III: ("D", 0.02)}


class RecallStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


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


@read_model
class RecallLine:
    """A consignee's holding of one batch under a recall, from the scope snapshot taken when the recall opened;
    every quantity is in the batch's unit. Lines stored before forwarded and used were snapshotted have neither:
    they read as 0 (onHand = shipped)."""

    shipped: float  # received: the shipments of the batch to the enterprise, at the snapshot
    forwarded: float = 0.0  # the shipments of the batch from the enterprise, at the snapshot
    used: float = 0.0  # INPUT_TO quantities of the batch into lots the enterprise produced, at the snapshot
    returned: float
    notified: bool
    unit: str  # the batch's unit
    depth: int
    enterprise_id: str = column("enterprise")
    batch_id: str = column("batch")

    @property
    def on_hand(self) -> float:
        """max(0, shipped - forwarded - used): what the recall must recover from the consignee."""
        return on_hand(self.shipped, self.forwarded, self.used)

    @property
    def returnable(self) -> float:
        """What a return may still add: never more than the consignee received (it may return more than the
        records say it holds)."""
        return max(0.0, self.shipped - self.returned)

    @property
    def outstanding(self) -> float:
        """What the consignee still holds of what the recall must recover."""
        rest = self.on_hand - self.returned
        return rest if rest > tolerance(self.on_hand) else 0.0

    @property
    def status(self) -> ConsigneeStatus:
        if self.returned > 0 and self.outstanding == 0:
            return ConsigneeStatus.RETURNED
        if self.returned > 0:
            return ConsigneeStatus.PARTIALLY_RETURNED
        return ConsigneeStatus.NOTIFIED if self.notified else ConsigneeStatus.NOT_NOTIFIED


def _line(m: Any) -> RecallLine:
    """A stored line, refused (InvalidStoredValue) when a quantity is not finite."""
    for name in ("shipped", "returned", "forwarded", "used"):
        value = m.get(name) or 0.0
        _finite(f"{name} of recall {m.get('recallId')!r} for {m['enterprise']}/{m['batch']}", value, REOPEN)
    return from_row(RecallLine, m)


def _line_key(recall_id: str, enterprise_id: str, batch_id: str) -> str:
    return f"{recall_id}|{enterprise_id}|{batch_id}"  # as risk/create_recall keys the lines


@read_model
class UnitTotals:
    """A recall's lines of one unit, summed (lines of other units are never added to them)."""

    unit: str
    shipped: float
    forwarded: float
    used: float
    on_hand: float
    returned: float
    outstanding: float  # the lines' outstanding, summed: one line's surplus return does not cover another's

    @property
    def effectiveness(self) -> float:
        """e(u) = min(1, returned / onHand); 1 when nothing of the unit is on hand."""
        if self.on_hand <= 0 or self.returned >= self.on_hand - tolerance(self.on_hand):
            return 1.0
        return self.returned / self.on_hand

    @classmethod
    def of_lines(cls, unit: str, lines: Sequence[RecallLine]) -> UnitTotals:
        return cls(
            unit=unit,
            shipped=math.fsum(ln.shipped for ln in lines),
            forwarded=math.fsum(ln.forwarded for ln in lines),
            used=math.fsum(ln.used for ln in lines),
            on_hand=math.fsum(ln.on_hand for ln in lines),
            returned=math.fsum(ln.returned for ln in lines),
            outstanding=math.fsum(ln.outstanding for ln in lines),
        )


@read_model
class UnitOutcome:
    """A unit's totals with their effectiveness, as a recall shows them and a final report keeps them (numbers,
    not a formula: JSON with these fields, camelCase)."""

    unit: str
    on_hand: float
    returned: float
    effectiveness: float  # e(u) = min(1, returned / onHand), 1 when onHand is 0
    shipped: float
    forwarded: float
    used: float
    outstanding: float

    @classmethod
    def of_totals(cls, t: UnitTotals) -> UnitOutcome:
        return cls(
            unit=t.unit,
            on_hand=t.on_hand,
            returned=t.returned,
            effectiveness=t.effectiveness,
            shipped=t.shipped,
            forwarded=t.forwarded,
            used=t.used,
            outstanding=t.outstanding,
        )

    def props(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "shipped": self.shipped,
            "forwarded": self.forwarded,
            "used": self.used,
            "onHand": self.on_hand,
            "returned": self.returned,
            "outstanding": self.outstanding,
            "effectiveness": self.effectiveness,
        }


@read_model
class NotReached:
    """A line the recall had not finished with when it closed: the consignee was never notified, or it still held
    something of the lot (outstanding, in the line's unit)."""

    outstanding: float
    unit: str
    notified: bool
    enterprise_id: str = column("enterprise")
    batch_id: str = column("batch")


@read_model
class FinalReport:
    """What a recall achieved, frozen when it closed (stored on the recall as JSON text, never rewritten)."""

    effectiveness: float
    by_unit: tuple[UnitOutcome, ...]  # by unit
    not_reached: tuple[NotReached, ...]  # by enterprise id, then batch id

    @classmethod
    def at_close(cls, recall: Recall) -> FinalReport:
        return cls(
            effectiveness=recall.effectiveness,
            by_unit=tuple(UnitOutcome.of_totals(u) for u in recall.by_unit()),
            not_reached=tuple(
                NotReached(
                    enterprise_id=ln.enterprise_id,
                    batch_id=ln.batch_id,
                    outstanding=ln.outstanding,
                    unit=ln.unit,
                    notified=ln.notified,
                )
                for ln in recall.lines
                if not ln.notified or ln.outstanding > 0
            ),
        )

    def text(self) -> str:
        not_reached = [
            {
                "enterprise": n.enterprise_id,
                "batch": n.batch_id,
                "outstanding": n.outstanding,
                "unit": n.unit,
                "notified": n.notified,
            }
            for n in self.not_reached
        ]
        report = {
            "effectiveness": self.effectiveness,
            "byUnit": [u.props() for u in self.by_unit],
            "notReached": not_reached,
        }
        return json.dumps(report, ensure_ascii=False, allow_nan=False)


@read_model
class RecallProgress:
    """Where a recall stands, for the coordinator's report: counts of consignees, the effectiveness and the
    deadlines (quantities are per unit: Recall.by_unit)."""

    consignees: int
    notified: int
    fully_returned: int  # consignees that returned all they had on hand (a line with nothing on hand asks nothing)
    effectiveness: float
    start_overdue: bool  # startBy has passed and no consignee is notified
    finish_overdue: bool  # finishBy has passed and goods are still out


def _affected(m: Any) -> list[tuple[str, int]]:
    return list(zip(m["affectedBatchIds"], m["affectedDepths"], strict=True))


@read_model
class Recall:
    id: str
    recall_class: RecallClass
    opened_at_ms: int
    start_by_ms: int
    finish_by_ms: int
    warning_id: str | None
    sources: list[str]
    affected: list[tuple[str, int]] = column(ROW, read=_affected)  # (batch id, depth) by depth then id
    lines: list[RecallLine] = column(read=lambda lines: [_line(m) for m in lines])  # by enterprise, then batch
    opened_by: str
    status: RecallStatus = RecallStatus.OPEN  # recalls opened before they could be closed have none: open
    closed_at_ms: int | None
    close_reason: str | None
    closed_by: str | None
    final_report: FinalReport | None  # frozen at closing (JSON text on the node)

    def by_unit(self) -> list[UnitTotals]:
        """The lines' totals per unit, by unit."""
        grouped: dict[str, list[RecallLine]] = defaultdict(list)
        for line in self.lines:
            grouped[line.unit].append(line)
        return [UnitTotals.of_lines(unit, lines) for unit, lines in sorted(grouped.items())]

    @property
    def effectiveness(self) -> float:
        """The smallest e(u) over the units; 1 when nothing is on hand anywhere."""
        return min((u.effectiveness for u in self.by_unit()), default=1.0)

    def outcome_by_unit(self) -> list[UnitOutcome]:
        """Each unit's totals and effectiveness: the final report's once closed, else as the lines stand."""
        if self.final_report is not None:
            return list(self.final_report.by_unit)
        return [UnitOutcome.of_totals(u) for u in self.by_unit()]

    @property
    def consignee_ids(self) -> list[str]:
        return sorted({line.enterprise_id for line in self.lines})

    def check(self) -> tuple[str, float, int]:
        """The effectiveness check the class calls for: level, share of consignees, how many to contact."""
        level, share = EFFECTIVENESS_CHECK[self.recall_class]
        return level, share, math.ceil(share * len(self.consignee_ids))

    def progress(self, now: int) -> RecallProgress:
        """A closed recall's progress is as it stood at closing: nothing falls overdue after it."""
        if self.closed_at_ms is not None:
            now = min(now, self.closed_at_ms)
        notified = {line.enterprise_id for line in self.lines if line.notified}
        by_enterprise: dict[str, list[RecallLine]] = defaultdict(list)
        for line in self.lines:
            by_enterprise[line.enterprise_id].append(line)
        # Fully returned: it returned something, and all it held; a line with nothing on hand asks for nothing.
        done = {
            e
            for e, lines in by_enterprise.items()
            if any(ln.status == ConsigneeStatus.RETURNED for ln in lines) and all(ln.outstanding == 0 for ln in lines)
        }
        goods_out = any(line.outstanding > 0 for line in self.lines)
        return RecallProgress(
            consignees=len(self.consignee_ids),
            notified=len(notified),
            fully_returned=len(done),
            effectiveness=self.effectiveness,
            start_overdue=now > self.start_by_ms and bool(self.lines) and not notified,
            finish_overdue=now > self.finish_by_ms and goods_out,
        )


def _recall(row: Any) -> Recall:
    """A recall and its lines (risk/recalls, risk/recall_list), refused (InvalidStoredValue) when its numbers are
    more than an answer can carry, so that a mutation that builds its answer inside its transaction commits
    nothing it cannot answer."""
    recall = from_row(Recall, {**row["recall"], "lines": row["lines"]})
    for totals in recall.by_unit():  # sums of finite lines may still overflow
        for what in ("shipped", "forwarded", "used", "returned"):
            value = getattr(totals, what)
            _finite(f"the sum of the quantities {what} in {totals.unit} of recall {recall.id!r}", value, REOPEN)
    return recall


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
    return await read_by_id(graph, "risk/recalls", ids, _recall)


async def _read_back(tx: Tx, recall_id: str) -> Recall:
    """The recall as the mutation answers it, read inside its transaction: what it cannot answer rolls back."""
    return _recall((await tx.run("risk/recalls", ids=[recall_id]))[0])


async def open_recall(
    graph: Graph,
    batch_ids: Sequence[str],
    recall_class: RecallClass,
    warning_id: str | None = None,
    by: str = ANONYMOUS,
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
        "status": RecallStatus.OPEN.value,
    }
    lines = [
        {
            "enterprise": c.enterprise_id,
            "batch": h.batch.id,
            "shipped": float(h.quantity),
            "forwarded": float(h.forwarded),
            "used": float(h.used),
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
    """Add `quantity` to what the consignee returned of the batch and mark it notified; more than it received minus
    what it returned is refused (a consignee may return more than the records say it holds, never more than it
    received)."""
    at = now if now is not None else now_ms()
    # A GraphQL literal of 1e400 arrives as inf: graphql-core checks only variables for finiteness.
    quantity = valid("quantity", values.Quantity, quantity)

    async def work(tx: Tx) -> Recall:
        await _lock_open(tx, recall_id, at, "recallId", "takes no more returns")
        key = _line_key(recall_id, enterprise_id, batch_id)
        rows = await tx.run("risk/lock_recall_line", key=key, now=at)
        if not rows:
            raise NotFound(
                "consignee and batch", f"{enterprise_id}/{batch_id}", f"enterpriseId, batchId of {recall_id}"
            )
        line = _line(rows[0]["line"])
        if quantity > line.returnable + tolerance(line.shipped):
            raise BadInput(
                "quantity",
                f"{quantity} {line.unit} is more than the {line.returnable} {line.unit} {enterprise_id} can still "
                f"return of {batch_id} (shipped to it {line.shipped}, returned {line.returned})",
            )
        returned = min(line.shipped, line.returned + quantity)
        await tx.run("risk/update_recall_lines", lines=[{"key": key, "returned": returned, "notified": True}], now=at)
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


async def mark_notified(graph: Graph, recall_id: str, enterprise_id: str, now: int | None = None) -> Recall:
    at = now if now is not None else now_ms()

    async def work(tx: Tx) -> Recall:
        await _lock_open(tx, recall_id, at, "recallId", "takes no more notices")
        rows = await tx.run("risk/notify_recall_lines", recallId=recall_id, enterpriseId=enterprise_id, now=at)
        if not rows or rows[0]["notified"] == 0:
            raise NotFound("consignee", enterprise_id, "enterpriseId")
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


async def _lock_open(tx: Tx, recall_id: str, at: int, argument: str, refusal: str) -> None:
    """Take the recall's lock; NotFound when there is no such recall, BadInput when it is closed."""
    rows = await tx.run("risk/lock_recall", id=recall_id, now=at)
    if not rows:
        raise NotFound("recall", recall_id, argument)
    state = rows[0]
    if state["status"] == RecallStatus.CLOSED:
        raise BadInput(
            argument,
            f"recall {recall_id!r} is CLOSED (closed at {iso(state['closedAtMs'])}: {state['closeReason']}); "
            f"a closed recall {refusal}",
        )


async def close_recall(
    graph: Graph, recall_id: str, reason: str, by: str | None = None, now: int | None = None
) -> Recall:
    """Close an OPEN recall with the reason, and freeze its final report: effectiveness per unit, and the lines not
    reached (never notified, or with something outstanding) at closing."""
    at = now if now is not None else now_ms()
    reason = required("reason", reason)
    by = optional("by", by) or ANONYMOUS

    async def work(tx: Tx) -> Recall:
        await _lock_open(tx, recall_id, at, "id", "cannot be closed again")
        recall = await _read_back(tx, recall_id)
        report = FinalReport.at_close(recall)
        await tx.run("risk/close_recall", id=recall_id, now=at, reason=reason, by=by, report=report.text())
        return await _read_back(tx, recall_id)

    return await graph.transaction(work)


# --- the listing -------------------------------------------------------------------------------------------------

CURSOR_PREFIX = "recall:"


@dataclass(frozen=True)
class RecallPage:
    recalls: list[Recall]  # newest first: by openedAt, then id, descending
    end_cursor: str | None  # where the next page starts; the given cursor when this page is empty
    has_next_page: bool


def encode_cursor(recall: Recall) -> str:
    text = f"{CURSOR_PREFIX}{recall.opened_at_ms}:{recall.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, argument: str = "after") -> tuple[int, str]:
    """The (openedAtMs, id) a cursor stands for: the page goes on after it. BadInput naming `argument` when the
    cursor is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ms, _, ident = text.removeprefix(CURSOR_PREFIX).partition(":")
        if text.startswith(CURSOR_PREFIX) and ms.isascii() and ms.isdigit() and len(ms) <= 16 and ident:
            return int(ms), ident
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadInput(argument, f"malformed cursor {cursor!r}: pass the endCursor of a previous page, or omit it")


async def listing(
    graph: Graph,
    status: RecallStatus | None = None,
    recall_class: RecallClass | None = None,
    warning_id: str | None = None,
    first: int = 100,
    after: str | None = None,
) -> RecallPage:
    """Recalls newest first, filtered by status, class and the warning they answer. Keyset paging on (openedAt,
    id): a recall opened or closed between two pages never makes the next one skip or repeat another."""
    check_range("first", first, 1, MAX_PAGE)
    after_ms, after_id = decode_cursor(after) if after is not None else (None, None)
    rows = await graph.read(
        "risk/recall_list",
        status=status.value if status else None,
        recallClass=recall_class.value if recall_class else None,
        warningId=warning_id,
        afterMs=after_ms,
        afterId=after_id,
        first=first,
    )
    found = sorted(map(_recall, rows), key=lambda r: (r.opened_at_ms, r.id), reverse=True)
    more = bool(rows) and rows[0]["more"]
    return RecallPage(found, encode_cursor(found[-1]) if found else after, more)


# --- the progress report -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One consignee and batch of a recall with the names a coordinator reads and its unit's outcome."""

    recall: Recall
    line: RecallLine
    consignee: EnterpriseNode | None
    batch: BatchNode | None
    product: ProductNode | None
    unit: UnitOutcome  # the totals of the line's unit in the recall (the final report's once closed)


async def report_rows(graph: Graph, recall: Recall) -> list[ReportRow]:
    """The progress report a coordinator sends, one row per consignee and batch (GET /recalls/{id}.csv, .xlsx);
    names are as the records stand now, quantities as the recall's snapshot."""
    enterprises = {e.id: e for e in await lookup.enterprises(graph, recall.consignee_ids) if e}
    batches = {b.id: b for b in await lookup.batches(graph, sorted({ln.batch_id for ln in recall.lines})) if b}
    products = {p.id: p for p in await lookup.products(graph, sorted({b.product_id for b in batches.values()})) if p}
    units = {u.unit: u for u in recall.outcome_by_unit()}
    rows = []
    for line in recall.lines:
        b = batches.get(line.batch_id)
        rows.append(
            ReportRow(
                recall=recall,
                line=line,
                consignee=enterprises.get(line.enterprise_id),
                batch=b,
                product=products.get(b.product_id) if b else None,
                unit=units[line.unit],
            )
        )
    return rows
