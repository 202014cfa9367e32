"""GraphQL types of risk early warning and rapid response. Names and fields of contract/risk.graphql are kept
exactly; the rest extends it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Private

from api.gql.context import Info
from api.gql.types import Batch, Enterprise, MassBalanceIssue, Shipment, TracedBatch, load_mass_balance_issues
from graph import records
from graph.clock import from_ms
from graph.risk import assessment as ra
from graph.risk import evaluation as ev
from graph.risk import port_control as pc
from graph.risk import recalls as rc
from graph.risk import signals as rs
from graph.risk import warnings as rw

SignalSource = strawberry.enum(records.SignalSource, name="SignalSource")
Hazard = strawberry.enum(records.Hazard, name="Hazard")
RiskLevel = strawberry.enum(ra.RiskLevel, name="RiskLevel")
WarningGrade = strawberry.enum(
    ra.WarningGrade, name="WarningGrade", description="I red, II orange, III yellow, IV blue"
)
WarningStatus = strawberry.enum(rw.WarningStatus, name="WarningStatus")
MeasureKind = strawberry.enum(rw.MeasureKind, name="MeasureKind")
MeasureStatus = strawberry.enum(rw.MeasureStatus, name="MeasureStatus")
RecallClass = strawberry.enum(rc.RecallClass, name="RecallClass")
RecallStatus = strawberry.enum(
    rc.RecallStatus, name="RecallStatus", description="OPEN until closed with a reason and a final report."
)
ConsigneeStatus = strawberry.enum(rc.ConsigneeStatus, name="ConsigneeStatus")
Recommendation = strawberry.enum(ev.Recommendation, name="Recommendation")


@strawberry.type(description="A risk signal: a complaint, a lab failure, an injury, a notification, ...")
class RiskSignal:
    id: strawberry.ID
    source: SignalSource  # type: ignore[valid-type]
    hazard: Hazard  # type: ignore[valid-type]
    severity: int = strawberry.field(description="1..4, the EU risk matrix's injury severity.")
    probability: float = strawberry.field(description="Probability of harm, (0, 1].")
    received_at: str
    subject_kind: str = strawberry.field(description="batch, product or enterprise")
    subject_id: str
    description: str | None
    report_id: str | None = strawberry.field(description="The FAIL test report behind a LAB_FAILURE signal.")

    @classmethod
    def of(cls, s: rs.Signal) -> RiskSignal:
        return cls(
            id=strawberry.ID(s.id),
            source=s.source,
            hazard=s.hazard,
            severity=s.severity,
            probability=s.probability,
            received_at=s.received_at,
            subject_kind=s.subject_kind,
            subject_id=s.subject_id,
            description=s.description,
            report_id=s.report_id,
        )

    @strawberry.field(description="Its assessment now (the same as assessSignal).")
    async def assessment(self, info: Info) -> Assessment:
        return Assessment.of(await ra.assess(info.context.graph, self.id))


@strawberry.type(description="A signal assessed: risk level, spread, and the warning grade they call for.")
class Assessment:
    signal_id: strawberry.ID
    risk_level: RiskLevel  # type: ignore[valid-type]
    affected_batch_count: int
    consignee_count: int
    grade: WarningGrade  # type: ignore[valid-type]
    rationale: str = strawberry.field(description="The inputs and the rule, in words a regulator can sign.")

    @classmethod
    def of(cls, a: ra.Assessment) -> Assessment:
        return cls(
            signal_id=strawberry.ID(a.signal.id),
            risk_level=a.risk_level,
            affected_batch_count=a.affected_batches,
            consignee_count=a.consignees,
            grade=a.grade,
            rationale=a.rationale,
        )


@strawberry.input(description="What a warning covers; a batch matches when any target matches it.")
class WarningTargets:
    batch_ids: list[strawberry.ID] | None = strawberry.UNSET
    product_ids: list[strawberry.ID] | None = strawberry.UNSET
    enterprise_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Matches batches they produced."
    )
    hs_code_prefixes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Matches batches whose product's hsCode starts with one of them."
    )
    origin_countries: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Matches batches with that originCountry."
    )

    def value(self) -> rw.Targets:
        def ids(v: list | None) -> tuple[str, ...]:
            return tuple(str(x) for x in v) if v else ()

        return rw.Targets(
            ids(self.batch_ids),
            ids(self.product_ids),
            ids(self.enterprise_ids),
            ids(self.hs_code_prefixes),
            ids(self.origin_countries),
        )


@strawberry.type(description="A warning's targets, as issued.")
class TargetsView:
    batch_ids: list[str]
    product_ids: list[str]
    enterprise_ids: list[str]
    hs_code_prefixes: list[str]
    origin_countries: list[str]


@strawberry.type(description="A measure taken under a warning, and how far it has got.")
class WarningMeasure:
    kind: MeasureKind  # type: ignore[valid-type]
    status: MeasureStatus  # type: ignore[valid-type]
    updated_at: datetime
    by: str
    note: str | None


@strawberry.type(description="One step of a warning's life: who, when, why.")
class WarningEvent:
    at: datetime
    action: str = strawberry.field(description="ISSUED, ADJUSTED, LIFTED or MEASURE")
    by: str
    reason: str | None
    from_grade: str | None
    to_grade: str | None
    detail: str | None


@strawberry.type(description="A risk warning, graded I (red) to IV (blue).")
class Warning:
    id: strawberry.ID
    grade: WarningGrade  # type: ignore[valid-type]
    colour: str = strawberry.field(description="red, orange, yellow, blue")
    status: WarningStatus  # type: ignore[valid-type]
    effective_from: datetime
    lifted_at: datetime | None
    measures: list[MeasureKind]  # type: ignore[valid-type]
    history: list[str] = strawberry.field(description="issued, adjusted (from, to, reason), lifted (reason), in order")
    assessed_grade: WarningGrade  # type: ignore[valid-type]
    targets: TargetsView
    measure_statuses: list[WarningMeasure]
    events: list[WarningEvent]
    signal_ids: list[str]

    @classmethod
    def of(cls, w: rw.Warning) -> Warning:
        t = w.targets
        return cls(
            id=strawberry.ID(w.id),
            grade=w.grade,
            colour=w.colour,
            status=w.status,
            effective_from=from_ms(w.effective_from_ms),
            lifted_at=from_ms(w.lifted_at_ms) if w.lifted_at_ms is not None else None,
            measures=[m.kind for m in w.measures],
            history=w.history,
            assessed_grade=w.assessed_grade,
            targets=TargetsView(
                batch_ids=list(t.batch_ids),
                product_ids=list(t.product_ids),
                enterprise_ids=list(t.enterprise_ids),
                hs_code_prefixes=list(t.hs_code_prefixes),
                origin_countries=list(t.origin_countries),
            ),
            measure_statuses=[
                WarningMeasure(kind=m.kind, status=m.status, updated_at=from_ms(m.updated_at_ms), by=m.by, note=m.note)
                for m in w.measures
            ],
            events=[
                WarningEvent(
                    at=from_ms(e.at_ms),
                    action=e.action,
                    by=e.by,
                    reason=e.reason,
                    from_grade=e.from_grade,
                    to_grade=e.to_grade,
                    detail=e.detail,
                )
                for e in w.events
            ],
            signal_ids=list(w.signal_ids),
        )

    @strawberry.field(description="The signals it was issued on.")
    async def signals(self, info: Info) -> list[RiskSignal]:
        return [RiskSignal.of(s) for s in await rs.signals_by_id(info.context.graph, self.signal_ids) if s]

    @strawberry.field(description="Its port-control hits, by shippedAt then shipment id.")
    async def port_control_hits(self, info: Info) -> list[PortControlHit]:
        return [PortControlHit.of(h) for h in await pc.warning_hits(info.context.graph, self.id)]


@strawberry.type(description="An IMPORT or EXPORT shipment a warning in force matches, and on what.")
class PortControlHit:
    warning: Warning
    shipment: Shipment
    matched_on: list[str] = strawberry.field(description="The matching targets, as `<target field>:<value>`.")
    measures: list[MeasureKind]  # type: ignore[valid-type]

    @classmethod
    def of(cls, h: pc.Hit) -> PortControlHit:
        assert h.shipment is not None
        return cls(
            warning=Warning.of(h.warning),
            shipment=Shipment.of(h.shipment),
            matched_on=h.matched_on,
            measures=h.measures,
        )


@strawberry.type(description="An ACTIVE warning a declaration would hit; nothing is stored.")
class DeclarationHit:
    warning: Warning
    matched_on: list[str]
    measures: list[MeasureKind]  # type: ignore[valid-type]

    @classmethod
    def of(cls, h: pc.Hit) -> DeclarationHit:
        return cls(warning=Warning.of(h.warning), matched_on=h.matched_on, measures=h.measures)


@strawberry.type(
    description="A consignee's holding of one batch under a recall; shipped, forwarded and used are from the scope "
    "snapshot taken when the recall opened. Every quantity is in the unit of the line."
)
class RecallConsignee:
    shipped: float = strawberry.field(description="Received: the sum of the shipments of the batch to it.")
    forwarded: float = strawberry.field(description="The sum of the shipments of the batch from it.")
    used: float = strawberry.field(description="The INPUT_TO quantities of the batch into lots it produced.")
    on_hand: float = strawberry.field(
        description="max(0, shipped - forwarded - used): what the recall must recover from it."
    )
    returned: float
    outstanding: float = strawberry.field(description="max(0, onHand - returned): what it still holds.")
    notified: bool
    unit: str = strawberry.field(description="The batch's unit.")
    status: ConsigneeStatus = strawberry.field(  # type: ignore[valid-type]
        description="RETURNED once it returned all it had on hand."
    )
    enterprise_id: Private[str]
    batch_id: Private[str]

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.enterprise_id))

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await info.context.loaders.batch.load(self.batch_id))


@strawberry.type(description="The effectiveness check a recall class calls for (levels of 21 CFR 7.42).")
class EffectivenessCheck:
    level: str = strawberry.field(description="A: every consignee; C: 10 %; D: 2 %")
    consignee_share: float
    consignees_to_check: int


@strawberry.type(
    description="A recall's lines of one unit, summed: e(u) = min(1, returned / onHand), 1 when onHand is 0."
)
class UnitEffectiveness:
    unit: str
    on_hand: float
    returned: float
    effectiveness: float
    shipped: float = strawberry.field(description="Received by the consignees, in this unit.")
    forwarded: float
    used: float
    outstanding: float = strawberry.field(description="The lines' max(0, onHand - returned), summed.")

    @classmethod
    def of(cls, u: rc.UnitTotals | rc.UnitOutcome) -> UnitEffectiveness:
        return cls(
            unit=u.unit,
            on_hand=u.on_hand,
            returned=u.returned,
            effectiveness=u.effectiveness,
            shipped=u.shipped,
            forwarded=u.forwarded,
            used=u.used,
            outstanding=u.outstanding,
        )


@strawberry.type(
    description="Where a recall stands, for the coordinator's report (also GET /recalls/{id}.csv, .xlsx); quantities "
    "are per unit, in Recall.effectivenessByUnit."
)
class RecallProgress:
    consignees: int
    notified: int
    fully_returned: int = strawberry.field(
        description="Consignees that returned all they had on hand (lines with nothing on hand ask for nothing)."
    )
    effectiveness: float
    start_overdue: bool = strawberry.field(description="startBy has passed and no consignee is notified.")
    finish_overdue: bool = strawberry.field(description="finishBy has passed and goods are still out.")


@strawberry.type(
    description="A line a recall had not finished with when it closed: the consignee was never notified, or it "
    "still held something of the batch."
)
class RecallNotReached:
    outstanding: float = strawberry.field(description="What it still held, in the line's unit.")
    unit: str
    notified: bool
    enterprise_id: Private[str]
    batch_id: Private[str]

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.enterprise_id))

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await info.context.loaders.batch.load(self.batch_id))


@strawberry.type(description="What a recall achieved, frozen when it closed: later data never changes it.")
class RecallFinalReport:
    effectiveness: float = strawberry.field(description="The smallest per-unit effectiveness at closing.")
    effectiveness_by_unit: list[UnitEffectiveness] = strawberry.field(description="By unit.")
    not_reached: list[RecallNotReached] = strawberry.field(description="By enterprise id, then batch id.")

    @classmethod
    def of(cls, r: rc.FinalReport) -> RecallFinalReport:
        return cls(
            effectiveness=r.effectiveness,
            effectiveness_by_unit=[UnitEffectiveness.of(u) for u in r.by_unit],
            not_reached=[
                RecallNotReached(
                    outstanding=n.outstanding,
                    unit=n.unit,
                    notified=n.notified,
                    enterprise_id=n.enterprise,
                    batch_id=n.batch,
                )
                for n in r.not_reached
            ],
        )


@strawberry.type(description="A recall: its scope snapshot, deadlines, returns and effectiveness.")
class Recall:
    id: strawberry.ID
    recall_class: RecallClass  # type: ignore[valid-type]
    start_by: datetime = strawberry.field(description="Opened + 24 h (I), 48 h (II), 72 h (III).")
    finish_by: datetime = strawberry.field(description="Opened + 10 (I), 20 (II), 30 (III) working days (Mon-Fri).")
    consignees: list[RecallConsignee] = strawberry.field(description="By enterprise id, then batch id.")
    effectiveness: float = strawberry.field(
        description="The smallest per-unit e(u) = min(1, sum(returned) / sum(onHand)) over units with something on "
        "hand; 1 when nothing is on hand anywhere. Units are never added together."
    )
    effectiveness_by_unit: list[UnitEffectiveness] = strawberry.field(description="By unit.")
    opened_at: datetime
    opened_by: str
    warning_id: str | None
    source_ids: list[str]
    effectiveness_check: EffectivenessCheck
    progress: RecallProgress = strawberry.field(description="As it stood at closing, once closed.")
    status: RecallStatus = strawberry.field(  # type: ignore[valid-type]
        description="OPEN takes returns and notices; CLOSED takes none."
    )
    closed_at: datetime | None
    close_reason: str | None
    closed_by: str | None
    final_report: RecallFinalReport | None = strawberry.field(
        description="Effectiveness per unit and the consignees not reached, frozen at closing; null while OPEN."
    )
    affected: Private[list[tuple[str, int]]]

    @classmethod
    def of(cls, r: rc.Recall, now_ms: int) -> Recall:
        level, share, count = r.check()
        return cls(
            id=strawberry.ID(r.id),
            recall_class=r.recall_class,
            start_by=from_ms(r.start_by_ms),
            finish_by=from_ms(r.finish_by_ms),
            consignees=[
                RecallConsignee(
                    shipped=ln.shipped,
                    forwarded=ln.forwarded,
                    used=ln.used,
                    on_hand=ln.on_hand,
                    returned=ln.returned,
                    outstanding=ln.outstanding,
                    notified=ln.notified,
                    unit=ln.unit,
                    status=ln.status,
                    enterprise_id=ln.enterprise,
                    batch_id=ln.batch,
                )
                for ln in r.lines
            ],
            effectiveness=r.effectiveness,
            effectiveness_by_unit=[UnitEffectiveness.of(u) for u in r.by_unit()],
            opened_at=from_ms(r.opened_at_ms),
            opened_by=r.opened_by,
            warning_id=r.warning_id,
            source_ids=r.sources,
            effectiveness_check=EffectivenessCheck(level=level, consignee_share=share, consignees_to_check=count),
            progress=RecallProgress(**_snake(r.progress(now_ms))),
            status=r.status,
            closed_at=from_ms(r.closed_at_ms) if r.closed_at_ms is not None else None,
            close_reason=r.close_reason,
            closed_by=r.closed_by,
            final_report=RecallFinalReport.of(r.final_report) if r.final_report else None,
            affected=r.affected,
        )

    @strawberry.field(description="The affected batches of the snapshot, by depth then id.")
    async def affected_batches(self, info: Info) -> list[TracedBatch]:
        found = await info.context.loaders.batch.load_many([b for b, _ in self.affected])
        return [TracedBatch(batch=Batch.of(b), depth=d) for b, (_, d) in zip(found, self.affected, strict=True) if b]

    @strawberry.field(
        description="The mass-balance issues of its affected batches as the records stand now (a party that "
        "shipped and used more of a batch than it produced and received), by enterprise id, then batch id."
    )
    async def mass_balance_issues(self, info: Info) -> list[MassBalanceIssue]:
        found = await load_mass_balance_issues(info, [b for b, _ in self.affected])
        return sorted(found, key=lambda i: (i.enterprise_id, i.batch_id))


@strawberry.type(description="A page of recalls, newest first.")
class RecallPage:
    recalls: list[Recall]
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; the given cursor when this page is empty."
    )
    has_next_page: bool

    @classmethod
    def of(cls, p: rc.RecallPage, now_ms: int) -> RecallPage:
        return cls(
            recalls=[Recall.of(r, now_ms) for r in p.recalls], end_cursor=p.end_cursor, has_next_page=p.has_next_page
        )


def _snake(m: dict) -> dict:
    return {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in m.items()}


@strawberry.type(description="Is a warning working? Keep, adjust or lift it, and why.")
class WarningEvaluation:
    warning: Warning
    signals_before: list[str] = strawberry.field(description="Signals on its targets before it took effect.")
    signals_after: list[str] = strawberry.field(description="New signals on its targets since (its own excluded).")
    port_control_hits: int
    recent_port_control_hits: int
    recalls: list[Recall]
    recommendation: Recommendation  # type: ignore[valid-type]
    reason: str


@strawberry.input(description="A risk signal, as the risk_signal record of contract/RECORDS.md.")
class RiskSignalInput:
    id: strawberry.ID
    source: SignalSource  # type: ignore[valid-type]
    hazard: Hazard  # type: ignore[valid-type]
    severity: int
    probability: float
    received_at: str
    subject_batch: strawberry.ID | None = None
    subject_product: strawberry.ID | None = None
    subject_enterprise: strawberry.ID | None = None
    description: str | None = None

    def record(self) -> dict:
        subject = {
            k: str(v)
            for k, v in (
                ("batch", self.subject_batch),
                ("product", self.subject_product),
                ("enterprise", self.subject_enterprise),
            )
            if v is not None
        }
        record = {
            "id": str(self.id),
            "source": self.source.value if hasattr(self.source, "value") else self.source,
            "hazard": self.hazard.value if hasattr(self.hazard, "value") else self.hazard,
            "severity": self.severity,
            "probability": self.probability,
            "receivedAt": self.received_at,
            "subject": subject,
        }
        if self.description is not None:
            record["description"] = self.description
        return record
