"""Risk warnings: issued on assessed signals, graded I (red) to IV (blue), targeted at batches, products,
producers, HS-code prefixes and origin countries, with measures; adjusted and lifted, every step in the history
with who, when and why."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields, replace
from enum import StrEnum
from typing import Any

from graph.actor import ANONYMOUS
from graph.clock import dated_id, iso, now_ms
from graph.db import Graph, Tx
from graph.errors import BadInput, Forbidden, NotFound, check_range, optional, required
from graph.read_model import MAX_PAGE, ROW, column, from_row, read_by_id, read_model, reader
from graph.records import check_country
from graph.risk.assessment import COLOURS, Assessment, WarningGrade, assess_signal, most_severe
from graph.risk.signals import signals_by_id


class WarningStatus(StrEnum):
    ACTIVE = "ACTIVE"
    LIFTED = "LIFTED"
    PROPOSED = "PROPOSED"  # a grade I or II awaiting a second risk officer (confirmWarning)


# Four eyes: the grades whose measures hurt an enterprise most take effect only once a second risk officer confirms.
CONFIRMED_GRADES = frozenset({WarningGrade.I, WarningGrade.II})


class MeasureKind(StrEnum):
    CREDIT_DOWNGRADE = "CREDIT_DOWNGRADE"
    TRACE_INVESTIGATION = "TRACE_INVESTIGATION"
    RECALL = "RECALL"
    TIGHTENED_INSPECTION = "TIGHTENED_INSPECTION"
    IMPORT_RESTRICTION = "IMPORT_RESTRICTION"
    EXPORT_RESTRICTION = "EXPORT_RESTRICTION"
    IMPORT_BAN = "IMPORT_BAN"
    EXPORT_BAN = "EXPORT_BAN"
    SEIZURE = "SEIZURE"
    RETURN_SHIPMENT = "RETURN_SHIPMENT"
    SALES_SUSPENSION = "SALES_SUSPENSION"
    DESTRUCTION = "DESTRUCTION"
    PORT_CONTROL = "PORT_CONTROL"
    PUBLIC_NOTICE = "PUBLIC_NOTICE"


class MeasureStatus(StrEnum):
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


HS_PREFIX = re.compile(r"[0-9]{2,10}")  # fullmatch: "$" would let a trailing newline through
TARGET_FIELDS = ("batchIds", "productIds", "enterpriseIds", "hsCodePrefixes", "originCountries")


@read_model
class Targets:
    """What a warning covers; kept as five list properties of the warning's node."""

    batch_ids: tuple[str, ...] = ()
    product_ids: tuple[str, ...] = ()
    enterprise_ids: tuple[str, ...] = ()  # matches batches they produced
    hs_code_prefixes: tuple[str, ...] = ()  # matches batches whose product's hsCode starts with one of them
    origin_countries: tuple[str, ...] = ()  # matches batches with that originCountry

    @property
    def empty(self) -> bool:
        return not any(self.props().values())

    def same_as(self, other: Targets) -> bool:
        """The same targets, whatever their order or repetition."""
        return {k: set(v) for k, v in self.props().items()} == {k: set(v) for k, v in other.props().items()}

    def props(self) -> dict[str, list[str]]:
        return {name: list(getattr(self, f.name)) for name, f in zip(TARGET_FIELDS, fields(self), strict=True)}


@read_model
class BatchFacts:
    """What targets match on (risk/batch_facts, risk/warning_hits)."""

    batch: str
    product: str
    producer: str
    hs_code: str
    origin_country: str | None


def matched_on(targets: Targets, facts: BatchFacts) -> list[str]:
    """Which targets a batch matches, as `<target field>:<value>`; empty when none."""
    found = []
    if facts.batch in targets.batch_ids:
        found.append(f"batchIds:{facts.batch}")
    if facts.product in targets.product_ids:
        found.append(f"productIds:{facts.product}")
    if facts.producer in targets.enterprise_ids:
        found.append(f"enterpriseIds:{facts.producer}")
    found += [f"hsCodePrefixes:{p}" for p in targets.hs_code_prefixes if facts.hs_code.startswith(p)]
    if facts.origin_country and facts.origin_country in targets.origin_countries:
        found.append(f"originCountries:{facts.origin_country}")
    return found


@read_model
class WarningEvent:
    """One step of a warning's history; the history is JSON on the node, with these names as keys (asdict)."""

    at_ms: int = column("at_ms")
    action: str  # ISSUED, PROPOSED (an adjustment awaiting confirmation), CONFIRMED, ADJUSTED, LIFTED, MEASURE
    by: str
    reason: str | None = None
    from_grade: str | None = column("from_grade", default=None)
    to_grade: str | None = column("to_grade", default=None)
    detail: str | None = None

    def text(self) -> str:
        """One line of the contract's `history`."""
        at = iso(self.at_ms)
        why = f": {self.reason}" if self.reason else ""
        match self.action:
            case "ISSUED":
                return f"{at} issued by {self.by}: grade {self.to_grade} ({self.detail}){why}"
            case "PROPOSED":
                return f"{at} proposed by {self.by}: grade {self.from_grade} -> {self.to_grade} ({self.detail}){why}"
            case "CONFIRMED":
                return f"{at} confirmed by {self.by}: grade {self.to_grade} in force{why}"
            case "ADJUSTED":
                return f"{at} adjusted by {self.by}: grade {self.from_grade} -> {self.to_grade}{why}"
            case "LIFTED":
                return f"{at} lifted by {self.by}{why}"
        return f"{at} {self.action.lower()} by {self.by}: {self.detail}{why}"


@read_model
class Measure:
    """A measure taken under a warning; a warning's measures are JSON on its node, by kind."""

    kind: MeasureKind
    status: MeasureStatus
    updated_at_ms: int = column("at")
    by: str
    note: str | None = None


def _measures(text: str) -> tuple[Measure, ...]:
    return tuple(from_row(Measure, {"kind": kind, **m}) for kind, m in json.loads(text).items())


@read_model
class RiskWarning:
    id: str
    grade: WarningGrade
    assessed_grade: WarningGrade
    status: WarningStatus
    effective_from_ms: int
    lifted_at_ms: int | None
    targets: Targets = column(ROW)
    measures: tuple[Measure, ...] = column("measureStatus", read=_measures)
    signal_ids: tuple[str, ...]
    events: tuple[WarningEvent, ...] = ()
    # Four eyes: the grade awaiting a second risk officer and who proposed it (None when nothing is pending), and
    # whether the warning has been in force (port control counts it) since effectiveFrom: not before a proposed
    # grade I or II is confirmed. Warnings stored before four eyes were all in force.
    proposed_grade: WarningGrade | None = None
    proposed_by: str | None = None
    enforced: bool = True

    @property
    def colour(self) -> str:
        return COLOURS[self.grade]

    @property
    def history(self) -> list[str]:
        return [e.text() for e in self.events]

    def props(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "grade": self.grade.value,
            "assessedGrade": self.assessed_grade.value,
            "status": self.status.value,
            "effectiveFromMs": self.effective_from_ms,
            "liftedAtMs": self.lifted_at_ms,
            "signalIds": list(self.signal_ids),
            "measures": [m.kind.value for m in self.measures],
            "measureStatus": json.dumps(
                {
                    m.kind.value: {"status": m.status.value, "at": m.updated_at_ms, "by": m.by, "note": m.note}
                    for m in self.measures
                }
            ),
            "events": json.dumps([asdict(e) for e in self.events]),
            "proposedGrade": self.proposed_grade.value if self.proposed_grade else None,
            "proposedBy": self.proposed_by,
            "enforced": self.enforced,
            **self.targets.props(),
        }


read_warning = reader(RiskWarning, "warning")


async def _check_targets(graph: Graph, targets: Targets) -> Targets:
    if targets.empty:
        raise BadInput(
            "targets",
            "name at least one target: batchIds, productIds, enterpriseIds, hsCodePrefixes or originCountries",
        )
    for prefix in targets.hs_code_prefixes:
        if not HS_PREFIX.fullmatch(prefix):
            raise BadInput("targets.hsCodePrefixes", f"{prefix!r} is not 2 to 10 digits of an HS code")
    for country in targets.origin_countries:
        try:
            check_country(country)  # as in records: upper case, so that it can match a batch's originCountry
        except ValueError as err:
            raise BadInput("targets.originCountries", str(err)) from None
    known = (
        await graph.read(
            "ingest/existing_ids",
            batches=list(targets.batch_ids),
            products=list(targets.product_ids),
            enterprises=list(targets.enterprise_ids),
            persons=[],
            labs=[],
            agencies=[],
        )
    )[0]
    for argument, kind, key, ids in (
        ("targets.batchIds", "batch", "batches", targets.batch_ids),
        ("targets.productIds", "product", "products", targets.product_ids),
        ("targets.enterpriseIds", "enterprise", "enterprises", targets.enterprise_ids),
    ):
        for i in ids:
            if i not in known[key]:
                raise NotFound(kind, i, argument)
    return replace(targets, **{f.name: tuple(dict.fromkeys(getattr(targets, f.name))) for f in fields(targets)})


async def _active_twin(graph: Graph, signal_ids: Sequence[str], targets: Targets, at: int) -> RiskWarning | None:
    """An active or proposed warning on exactly these signals and targets: a second one would double every
    port-control hit."""
    for row in await graph.read("risk/warnings_in_force", atMs=at, activeOnly=True, withProposed=True):
        warning = read_warning(row)
        if set(warning.signal_ids) == set(signal_ids) and warning.targets.same_as(targets):
            return warning
    return None


async def issue(
    graph: Graph,
    signal_ids: Sequence[str],
    targets: Targets,
    measures: Sequence[MeasureKind],
    grade: WarningGrade | None = None,
    reason: str | None = None,
    by: str = ANONYMOUS,
    now: int | None = None,
) -> tuple[RiskWarning, list[Assessment]]:
    """Issue a warning. Its grade defaults to the most severe assessed grade of its signals; another grade
    needs a reason. A grade I or II is PROPOSED until another risk officer confirms it (`confirm`)."""
    at = now if now is not None else now_ms()
    if not signal_ids:
        raise BadInput("signalIds", "give at least one signal id")
    wanted = list(dict.fromkeys(signal_ids))
    found = await signals_by_id(graph, wanted)
    for sid, sig in zip(wanted, found, strict=True):
        if sig is None:
            raise NotFound("risk signal", sid, "signalIds")
    targets = await _check_targets(graph, targets)
    if (twin := await _active_twin(graph, wanted, targets, at)) is not None:
        raise BadInput(
            "targets",
            f"warning {twin.id} (grade {twin.grade.value}, in force since {iso(twin.effective_from_ms)}) is already "
            "active for these signals and targets: adjust it (adjustWarning) rather than issue a second one",
        )
    assessments = [await assess_signal(graph, s) for s in found if s is not None]
    assessed = most_severe([a.grade for a in assessments])
    reason = optional("reason", reason)
    if grade is not None and grade != assessed and reason is None:
        raise BadInput("reason", f"grade {grade.value} overrides the assessed grade {assessed.value}: give the reason")
    chosen = grade or assessed
    basis = "assessed " + ", ".join(f"{a.signal.id} {a.grade.value}" for a in assessments)
    if chosen != assessed:
        basis += f"; overrides assessed grade {assessed.value}"
    proposed = chosen in CONFIRMED_GRADES
    if proposed:
        basis += "; proposed: in force once a second risk officer confirms it"
    event = WarningEvent(at_ms=at, action="ISSUED", by=by, reason=reason, to_grade=chosen.value, detail=basis)
    kinds = list(dict.fromkeys(MeasureKind(m) for m in measures))
    warning = RiskWarning(
        id=dated_id("W", at),
        grade=chosen,
        assessed_grade=assessed,
        status=WarningStatus.PROPOSED if proposed else WarningStatus.ACTIVE,
        effective_from_ms=at,  # a proposed warning's moves to its confirmation
        lifted_at_ms=None,
        targets=targets,
        measures=tuple(Measure(kind=k, status=MeasureStatus.PLANNED, updated_at_ms=at, by=by) for k in kinds),
        signal_ids=tuple(wanted),
        events=(event,),
        proposed_grade=chosen if proposed else None,
        proposed_by=by if proposed else None,
        enforced=not proposed,
    )
    props = {k: v for k, v in warning.props().items() if v is not None}
    rows = await graph.write("risk/create_warning", warning=props, signalIds=wanted)
    return read_warning(rows[0]), assessments


async def _change(
    graph: Graph, warning_id: str, change: Callable[[RiskWarning, int], dict[str, Any]], now: int | None
) -> RiskWarning:
    """Lock the warning, let `change(warning, at)` give its new properties, store them, all in one transaction."""
    at = now if now is not None else now_ms()

    async def work(tx: Tx) -> RiskWarning:
        rows = await tx.run("risk/lock_warning", id=warning_id, now=at)
        if not rows:
            raise NotFound("warning", warning_id, "id")
        changes = change(read_warning(rows[0]), at)
        stored = await tx.run("risk/update_warning", id=warning_id, changes=changes)
        return read_warning(stored[0])

    return await graph.transaction(work)


def _active(w: RiskWarning) -> None:
    """Not lifted: ACTIVE, or PROPOSED (an adjustment or a lifting then replaces what is pending)."""
    if w.status == WarningStatus.LIFTED:
        raise BadInput("id", f"warning {w.id!r} was lifted on {iso(w.lifted_at_ms or 0)}; issue a new one")


NOTHING_PENDING: dict[str, Any] = {"proposedGrade": None, "proposedBy": None}  # removes the properties (SET +=)


def _in_force(w: RiskWarning, at: int) -> dict[str, Any]:
    """The changes that put a warning in force at `at`: one never in force starts then (effectiveFrom)."""
    return {} if w.enforced else {"enforced": True, "effectiveFromMs": at}


def _events(w: RiskWarning, event: WarningEvent) -> str:
    return json.dumps([asdict(e) for e in (*w.events, event)])


async def adjust(
    graph: Graph, warning_id: str, grade: WarningGrade, reason: str, by: str = ANONYMOUS, now: int | None = None
) -> RiskWarning:
    """Change a warning's grade. To grade I or II the warning is PROPOSED until another risk officer confirms it; a
    warning already in force stays in force at its grade meanwhile (port control goes on). To grade III or IV the
    change acts at once, and replaces what was pending."""
    reason = required("reason", reason)

    def change(w: RiskWarning, at: int) -> dict[str, Any]:
        _active(w)
        if grade == w.proposed_grade:
            raise BadInput("grade", f"grade {grade.value} is already proposed for warning {w.id!r}: confirmWarning")
        if w.proposed_grade is None and grade == w.grade:
            raise BadInput("grade", f"warning {w.id!r} already has grade {grade.value}")
        # Back to the grade in force: the pending proposal is withdrawn, at once (nothing gets harsher).
        withdrawn = w.enforced and grade == w.grade
        if grade in CONFIRMED_GRADES and not withdrawn:
            event = WarningEvent(
                at_ms=at,
                action="PROPOSED",
                by=by,
                reason=reason,
                from_grade=w.grade.value,
                to_grade=grade.value,
                detail="in force once a second risk officer confirms it",
            )
            pending: dict[str, Any] = {"proposedGrade": grade.value, "proposedBy": by}
            if not w.enforced:
                pending["grade"] = grade.value  # nothing in force yet: the warning is what is proposed
            return {"status": WarningStatus.PROPOSED.value, **pending, "events": _events(w, event)}
        event = WarningEvent(
            at_ms=at, action="ADJUSTED", by=by, reason=reason, from_grade=w.grade.value, to_grade=grade.value
        )
        return {
            "grade": grade.value,
            "status": WarningStatus.ACTIVE.value,
            **NOTHING_PENDING,
            **_in_force(w, at),
            "events": _events(w, event),
        }

    return await _change(graph, warning_id, change, now)


async def confirm(graph: Graph, warning_id: str, by: str = ANONYMOUS, now: int | None = None) -> RiskWarning:
    """A second risk officer confirms a PROPOSED grade I or II: the warning is ACTIVE at that grade, and one never
    in force is in force from now (effectiveFrom: port-control hits count from the confirmation). FORBIDDEN for
    the officer who proposed it."""

    def change(w: RiskWarning, at: int) -> dict[str, Any]:
        if w.status != WarningStatus.PROPOSED or w.proposed_grade is None:
            raise BadInput("id", f"warning {w.id!r} is {w.status.value}: there is no proposed grade to confirm")
        if by == w.proposed_by:
            raise Forbidden(
                f"warning {w.id!r} was proposed at grade {w.proposed_grade.value} by {by}: a second risk officer "
                "must confirm it"
            )
        event = WarningEvent(at_ms=at, action="CONFIRMED", by=by, to_grade=w.proposed_grade.value)
        return {
            "grade": w.proposed_grade.value,
            "status": WarningStatus.ACTIVE.value,
            **NOTHING_PENDING,
            **_in_force(w, at),
            "events": _events(w, event),
        }

    return await _change(graph, warning_id, change, now)


async def lift(graph: Graph, warning_id: str, reason: str, by: str = ANONYMOUS, now: int | None = None) -> RiskWarning:
    reason = required("reason", reason)

    def change(w: RiskWarning, at: int) -> dict[str, Any]:
        _active(w)  # a proposed warning may be lifted (withdrawn): what was pending goes with it
        return {
            "status": WarningStatus.LIFTED.value,
            "liftedAtMs": at,
            **NOTHING_PENDING,
            "events": _events(w, WarningEvent(at_ms=at, action="LIFTED", by=by, reason=reason)),
        }

    return await _change(graph, warning_id, change, now)


async def set_measure(
    graph: Graph,
    warning_id: str,
    kind: MeasureKind,
    status: MeasureStatus,
    note: str | None = None,
    by: str = ANONYMOUS,
    now: int | None = None,
) -> RiskWarning:
    """Add a measure to a warning or move one to another status; kept in the history."""
    note = optional("note", note)

    def change(w: RiskWarning, at: int) -> dict[str, Any]:
        measures = {m.kind: m for m in w.measures}
        before = measures.get(kind)
        measures[kind] = Measure(kind=kind, status=status, updated_at_ms=at, by=by, note=note)
        detail = f"measure {kind.value} {before.status.value + ' -> ' if before else ''}{status.value}"
        updated = replace(w, measures=tuple(measures.values()))
        return {
            "measures": [m.value for m in measures],
            "measureStatus": updated.props()["measureStatus"],
            "events": _events(w, WarningEvent(at_ms=at, action="MEASURE", by=by, reason=note, detail=detail)),
        }

    return await _change(graph, warning_id, change, now)


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[RiskWarning | None]:
    return await read_by_id(graph, "risk/warnings", ids, read_warning)


async def listing(graph: Graph, status: WarningStatus | None, first: int) -> list[RiskWarning]:
    check_range("first", first, 1, MAX_PAGE)
    rows = await graph.read("risk/warning_list", status=status.value if status else None, limit=first)
    return [read_warning(r) for r in rows]
