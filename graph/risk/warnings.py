"""Risk warnings: issued on assessed signals, graded I (red) to IV (blue), targeted at batches, products,
producers, HS-code prefixes and origin countries, with measures; adjusted and lifted, every step in the history
with who, when and why."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pycountry

from graph.clock import dated_id, iso, now_ms
from graph.db import Graph, Tx
from graph.errors import BadInput, NotFound, check_range, optional, required
from graph.risk.assessment import COLOURS, Assessment, WarningGrade, assess_signal, most_severe
from graph.risk.signals import signals_by_id


class WarningStatus(StrEnum):
    ACTIVE = "ACTIVE"
    LIFTED = "LIFTED"


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
COUNTRY = re.compile(r"[A-Z]{2}")
TARGET_FIELDS = ("batchIds", "productIds", "enterpriseIds", "hsCodePrefixes", "originCountries")


@dataclass(frozen=True)
class Targets:
    batch_ids: tuple[str, ...] = ()
    product_ids: tuple[str, ...] = ()
    enterprise_ids: tuple[str, ...] = ()
    hs_code_prefixes: tuple[str, ...] = ()
    origin_countries: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(
            (self.batch_ids, self.product_ids, self.enterprise_ids, self.hs_code_prefixes, self.origin_countries)
        )

    def same_as(self, other: Targets) -> bool:
        """The same targets, whatever their order or repetition."""
        return {k: set(v) for k, v in self.props().items()} == {k: set(v) for k, v in other.props().items()}

    def props(self) -> dict[str, list[str]]:
        values = (self.batch_ids, self.product_ids, self.enterprise_ids, self.hs_code_prefixes, self.origin_countries)
        return {name: list(v) for name, v in zip(TARGET_FIELDS, values, strict=True)}

    @classmethod
    def of(cls, m: dict[str, Any]) -> Targets:
        return cls(*(tuple(m.get(name) or ()) for name in TARGET_FIELDS))


@dataclass(frozen=True)
class BatchFacts:
    """What targets match on."""

    batch: str
    product: str
    producer: str
    hs_code: str
    origin_country: str | None

    @classmethod
    def of(cls, r: Any) -> BatchFacts:
        return cls(r["batch"], r["product"], r["producer"], r["hsCode"], r["originCountry"])


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


@dataclass(frozen=True)
class WarningEvent:
    at_ms: int
    action: str  # ISSUED, ADJUSTED, LIFTED, MEASURE
    by: str
    reason: str | None = None
    from_grade: str | None = None
    to_grade: str | None = None
    detail: str | None = None

    def text(self) -> str:
        """One line of the contract's `history`."""
        at = iso(self.at_ms)
        why = f": {self.reason}" if self.reason else ""
        match self.action:
            case "ISSUED":
                return f"{at} issued by {self.by}: grade {self.to_grade} ({self.detail}){why}"
            case "ADJUSTED":
                return f"{at} adjusted by {self.by}: grade {self.from_grade} -> {self.to_grade}{why}"
            case "LIFTED":
                return f"{at} lifted by {self.by}{why}"
        return f"{at} {self.action.lower()} by {self.by}: {self.detail}{why}"


@dataclass(frozen=True)
class Measure:
    kind: MeasureKind
    status: MeasureStatus
    updated_at_ms: int
    by: str
    note: str | None = None


@dataclass(frozen=True)
class Warning:
    id: str
    grade: WarningGrade
    assessed_grade: WarningGrade
    status: WarningStatus
    effective_from_ms: int
    lifted_at_ms: int | None
    targets: Targets
    measures: tuple[Measure, ...]
    signal_ids: tuple[str, ...]
    events: tuple[WarningEvent, ...] = field(default=())

    @property
    def colour(self) -> str:
        return COLOURS[self.grade]

    @property
    def history(self) -> list[str]:
        return [e.text() for e in self.events]

    @classmethod
    def of(cls, m: dict[str, Any]) -> Warning:
        return cls(
            id=m["id"],
            grade=WarningGrade(m["grade"]),
            assessed_grade=WarningGrade(m["assessedGrade"]),
            status=WarningStatus(m["status"]),
            effective_from_ms=m["effectiveFromMs"],
            lifted_at_ms=m.get("liftedAtMs"),
            targets=Targets.of(m),
            measures=tuple(
                Measure(MeasureKind(k), MeasureStatus(v["status"]), v["at"], v["by"], v.get("note"))
                for k, v in json.loads(m["measureStatus"]).items()
            ),
            signal_ids=tuple(m.get("signalIds") or ()),
            events=tuple(WarningEvent(**e) for e in json.loads(m["events"])),
        )

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
            "events": json.dumps([e.__dict__ for e in self.events]),
            **self.targets.props(),
        }


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
        # upper case as in records (pycountry would also accept "nz", which then matches no batch)
        if not COUNTRY.fullmatch(country) or pycountry.countries.get(alpha_2=country) is None:
            raise BadInput("targets.originCountries", f"{country!r} is not an ISO 3166-1 alpha-2 country code")
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
    return Targets(*(tuple(dict.fromkeys(v)) for v in targets.props().values()))


async def _active_twin(graph: Graph, signal_ids: Sequence[str], targets: Targets, at: int) -> Warning | None:
    """An active warning on exactly these signals and targets: a second one would double every port-control hit."""
    for row in await graph.read("risk/warnings_in_force", atMs=at, activeOnly=True):
        warning = Warning.of(row["warning"])
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
    by: str = "anonymous",
    now: int | None = None,
) -> tuple[Warning, list[Assessment]]:
    """Issue a warning. Its grade defaults to the most severe assessed grade of its signals; another grade
    needs a reason."""
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
    event = WarningEvent(at, "ISSUED", by, reason, None, chosen.value, basis)
    kinds = list(dict.fromkeys(MeasureKind(m) for m in measures))
    warning = Warning(
        id=dated_id("W", at),
        grade=chosen,
        assessed_grade=assessed,
        status=WarningStatus.ACTIVE,
        effective_from_ms=at,
        lifted_at_ms=None,
        targets=targets,
        measures=tuple(Measure(k, MeasureStatus.PLANNED, at, by) for k in kinds),
        signal_ids=tuple(wanted),
        events=(event,),
    )
    props = {k: v for k, v in warning.props().items() if v is not None}
    rows = await graph.write("risk/create_warning", warning=props, signalIds=wanted)
    return Warning.of(rows[0]["warning"]), assessments


async def _change(graph: Graph, warning_id: str, change, now: int | None) -> Warning:  # type: ignore[no-untyped-def]
    """Lock the warning, let `change(warning, at)` give its new properties, store them, all in one transaction."""
    at = now if now is not None else now_ms()

    async def work(tx: Tx) -> Warning:
        rows = await tx.run("risk/lock_warning", id=warning_id, now=at)
        if not rows:
            raise NotFound("warning", warning_id, "id")
        changes = change(Warning.of(rows[0]["warning"]), at)
        stored = await tx.run("risk/update_warning", id=warning_id, changes=changes)
        return Warning.of(stored[0]["warning"])

    return await graph.transaction(work)


def _active(w: Warning) -> None:
    if w.status != WarningStatus.ACTIVE:
        raise BadInput("id", f"warning {w.id!r} was lifted on {iso(w.lifted_at_ms or 0)}; issue a new one")


def _events(w: Warning, event: WarningEvent) -> str:
    return json.dumps([e.__dict__ for e in (*w.events, event)])


async def adjust(
    graph: Graph, warning_id: str, grade: WarningGrade, reason: str, by: str = "anonymous", now: int | None = None
) -> Warning:
    reason = required("reason", reason)

    def change(w: Warning, at: int) -> dict[str, Any]:
        _active(w)
        if grade == w.grade:
            raise BadInput("grade", f"warning {w.id!r} already has grade {grade.value}")
        return {
            "grade": grade.value,
            "events": _events(w, WarningEvent(at, "ADJUSTED", by, reason, w.grade.value, grade.value)),
        }

    return await _change(graph, warning_id, change, now)


async def lift(graph: Graph, warning_id: str, reason: str, by: str = "anonymous", now: int | None = None) -> Warning:
    reason = required("reason", reason)

    def change(w: Warning, at: int) -> dict[str, Any]:
        _active(w)
        return {
            "status": WarningStatus.LIFTED.value,
            "liftedAtMs": at,
            "events": _events(w, WarningEvent(at, "LIFTED", by, reason)),
        }

    return await _change(graph, warning_id, change, now)


async def set_measure(
    graph: Graph,
    warning_id: str,
    kind: MeasureKind,
    status: MeasureStatus,
    note: str | None = None,
    by: str = "anonymous",
    now: int | None = None,
) -> Warning:
    """Add a measure to a warning or move one to another status; kept in the history."""
    note = optional("note", note)

    def change(w: Warning, at: int) -> dict[str, Any]:
        measures = {m.kind: m for m in w.measures}
        before = measures.get(kind)
        measures[kind] = Measure(kind, status, at, by, note)
        detail = f"measure {kind.value} {before.status.value + ' -> ' if before else ''}{status.value}"
        updated = Warning(**{**w.__dict__, "measures": tuple(measures.values())})
        return {
            "measures": [m.value for m in measures],
            "measureStatus": updated.props()["measureStatus"],
            "events": _events(w, WarningEvent(at, "MEASURE", by, note, detail=detail)),
        }

    return await _change(graph, warning_id, change, now)


async def by_ids(graph: Graph, ids: Sequence[str]) -> list[Warning | None]:
    found = {r["warning"]["id"]: Warning.of(r["warning"]) for r in await graph.read("risk/warnings", ids=list(ids))}
    return [found.get(i) for i in ids]


async def listing(graph: Graph, status: WarningStatus | None, first: int) -> list[Warning]:
    check_range("first", first, 1, 1000)
    rows = await graph.read("risk/warning_list", status=status.value if status else None, limit=first)
    return [Warning.of(r["warning"]) for r in rows]
