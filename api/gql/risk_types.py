"""GraphQL types of risk early warning and rapid response. Names and fields of contract/risk.graphql are kept
exactly; the rest extends it. ShipmentRiskFields are risk's fields of the core Shipment."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import strawberry
from strawberry import Private
from strawberry.utils.str_converters import to_camel_case

from api.gql.context import Info
from api.gql.enums import (
    ChannelKind,
    Hazard,
    IncidentKind,
    InstitutionKind,
    MeasureKind,
    RecallClass,
    RecallStatus,
    Recommendation,
    ReporterRole,
    SignalSource,
    Venue,
    WarningGrade,
    WarningStatus,
)
from api.gql.view import (
    CoreBatch,
    CoreEnterprise,
    CoreMassBalanceIssue,
    CoreShipment,
    CoreTracedBatch,
    View,
    batch_of,
    counted,
    enterprise_of,
    mass_balance_issues_of,
    shipment_of,
    shown,
    traced_of,
)
from graph.clock import from_ms
from graph.risk import assessment as ra
from graph.risk import port_control as pc
from graph.risk import recalls as rc
from graph.risk import signals as rs
from graph.risk import warnings as rw


@strawberry.type(description="A risk signal: a complaint, a lab failure, an injury, a notification, ...")
class RiskSignal(View, rs.Signal):
    id: strawberry.ID
    severity: int = strawberry.field(description="1..4, the EU risk matrix's injury severity.")
    probability: float = strawberry.field(description="Probability of harm, (0, 1].")
    received_at_ms: Private[int]
    subject_kind: str = strawberry.field(description="batch, product or enterprise")
    report_id: str | None = strawberry.field(description="The FAIL test report behind a LAB_FAILURE signal.")
    channel: ChannelKind | None = strawberry.field(description="The channel it came by; null when not given.")
    channel_details: str | None = strawberry.field(
        description="The channel's fields as a JSON object (a consumer's contact among them: a confidential read)."
    )
    incident_id: str | None = strawberry.field(
        description="The incident it reports: signals sharing one are duplicates, counted once."
    )
    # the read model's tuple, served as a list
    duplicates: list[str] = strawberry.field(  # type: ignore[assignment]
        description="The other signals of its incident, by receivedAt."
    )

    @strawberry.field(description="Its assessment now (the same as assessSignal).")
    async def assessment(self, info: Info) -> Assessment:
        return Assessment.of(await ra.assess(info.context.graph, self.id))


@strawberry.type(description="A signal assessed: risk level, spread, and the warning grade they call for.")
class Assessment(View, ra.Assessment):
    signal: Private[rs.Signal]
    affected_batches: int = strawberry.field(name="affectedBatchCount")
    consignees: int = strawberry.field(name="consigneeCount")
    rationale: str = strawberry.field(description="The inputs and the rule, in words a regulator can sign.")

    @strawberry.field
    def signal_id(self) -> strawberry.ID:
        return strawberry.ID(self.signal.id)


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
        def ids(v: list[Any] | None) -> tuple[str, ...]:
            return tuple(str(x) for x in v) if v else ()

        return rw.Targets(
            batch_ids=ids(self.batch_ids),
            product_ids=ids(self.product_ids),
            enterprise_ids=ids(self.enterprise_ids),
            hs_code_prefixes=ids(self.hs_code_prefixes),
            origin_countries=ids(self.origin_countries),
        )


@strawberry.type(description="A warning's targets, as issued.")
class TargetsView(View, rw.Targets):
    pass


@strawberry.type(description="A measure taken under a warning, and how far it has got.")
class WarningMeasure(View, rw.Measure):
    updated_at_ms: Private[int]

    @strawberry.field
    def updated_at(self) -> datetime:
        return from_ms(self.updated_at_ms)


@strawberry.type(description="One step of a warning's life: who, when, why.")
class WarningEvent(View, rw.WarningEvent):
    at_ms: Private[int]
    action: str = strawberry.field(description="ISSUED, ADJUSTED, LIFTED or MEASURE")

    @strawberry.field
    def at(self) -> datetime:
        return from_ms(self.at_ms)


@strawberry.type(name="Warning", description="A risk warning, graded I (red) to IV (blue).")
class RiskWarning:
    value: Private[rw.RiskWarning]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.value.id)

    @strawberry.field
    def grade(self) -> WarningGrade:
        return self.value.grade

    @strawberry.field(description="red, orange, yellow, blue")
    def colour(self) -> str:
        return self.value.colour

    @strawberry.field
    def status(self) -> WarningStatus:
        return self.value.status

    @strawberry.field(
        description="When it took effect: its confirmation, for a grade I or II (while PROPOSED and never in force, "
        "when it was proposed)."
    )
    def effective_from(self) -> datetime:
        return from_ms(self.value.effective_from_ms)

    @strawberry.field(description="Four eyes: the grade I or II awaiting a second risk officer (confirmWarning).")
    def proposed_grade(self) -> WarningGrade | None:
        return self.value.proposed_grade

    @strawberry.field(description="Who proposed the pending grade: another risk officer must confirm it.")
    def proposed_by(self) -> str | None:
        return self.value.proposed_by

    @strawberry.field
    def lifted_at(self) -> datetime | None:
        return None if self.value.lifted_at_ms is None else from_ms(self.value.lifted_at_ms)

    @strawberry.field
    def measures(self) -> list[MeasureKind]:
        return [m.kind for m in self.value.measures]

    @strawberry.field(description="issued, adjusted (from, to, reason), lifted (reason), in order")
    def history(self) -> list[str]:
        return self.value.history

    @strawberry.field
    def assessed_grade(self) -> WarningGrade:
        return self.value.assessed_grade

    @strawberry.field
    def targets(self) -> TargetsView:
        return TargetsView.of(self.value.targets)

    @strawberry.field
    def measure_statuses(self) -> list[WarningMeasure]:
        return [WarningMeasure.of(m) for m in self.value.measures]

    @strawberry.field
    def events(self) -> list[WarningEvent]:
        return [WarningEvent.of(e) for e in self.value.events]

    @strawberry.field
    def signal_ids(self) -> list[str]:
        return list(self.value.signal_ids)

    @strawberry.field(description="The signals it was issued on.")
    async def signals(self, info: Info) -> list[RiskSignal]:
        found = await rs.signals_by_id(info.context.graph, self.value.signal_ids)
        return [RiskSignal.of(s) for s in found if s]

    @strawberry.field(description="Its port-control hits, by shippedAt then shipment id.")
    async def port_control_hits(self, info: Info) -> list[PortControlHit]:
        return [PortControlHit.of(h) for h in await pc.warning_hits(info.context.graph, self.value.id)]


@strawberry.type(description="An IMPORT or EXPORT shipment a warning in force matches, and on what.")
class PortControlHit:
    warning: RiskWarning
    shipment: CoreShipment
    matched_on: list[str] = strawberry.field(description="The matching targets, as `<target field>:<value>`.")
    measures: list[MeasureKind]

    @classmethod
    def of(cls, h: pc.Hit) -> PortControlHit:
        assert h.shipment is not None, "a shipment's hit has its shipment"
        shipment = shipment_of(h.shipment)
        return cls(
            warning=RiskWarning(value=h.warning), shipment=shipment, matched_on=h.matched_on, measures=h.measures
        )


@strawberry.type(description="An ACTIVE warning a declaration would hit; nothing is stored.")
class DeclarationHit:
    warning: RiskWarning
    matched_on: list[str]
    measures: list[MeasureKind]

    @classmethod
    def of(cls, h: pc.Hit) -> DeclarationHit:
        return cls(warning=RiskWarning(value=h.warning), matched_on=h.matched_on, measures=h.measures)


@strawberry.type(
    description="A consignee's holding of one batch under a recall; shipped, forwarded and used are from the scope "
    "snapshot taken when the recall opened. Every quantity is in the unit of the line."
)
class RecallConsignee(View, rc.RecallLine):
    shipped: float = strawberry.field(description="Received: the sum of the shipments of the batch to it.")
    forwarded: float = strawberry.field(description="The sum of the shipments of the batch from it.")
    used: float = strawberry.field(description="The INPUT_TO quantities of the batch into lots it produced.")
    unit: str = strawberry.field(description="The batch's unit.")
    depth: Private[int]
    enterprise_id: Private[str]
    batch_id: Private[str]

    on_hand_ = shown(rc.RecallLine.on_hand, "max(0, shipped - forwarded - used): what the recall must recover from it.")
    outstanding_ = shown(rc.RecallLine.outstanding, "max(0, onHand - returned): what it still holds.")
    status_ = shown(rc.RecallLine.status, "RETURNED once it returned all it had on hand.")

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.enterprise_id)

    @strawberry.field
    async def batch(self, info: Info) -> CoreBatch:
        return await batch_of(info, self.batch_id)


@strawberry.type(description="The effectiveness check a recall class calls for (levels of 21 CFR 7.42).")
class EffectivenessCheck:
    level: str = strawberry.field(description="A: every consignee; C: 10 %; D: 2 %")
    consignee_share: float
    consignees_to_check: int


@strawberry.type(
    description="A recall's lines of one unit, summed: e(u) = min(1, returned / onHand), 1 when onHand is 0."
)
class UnitEffectiveness(View, rc.UnitOutcome):
    shipped: float = strawberry.field(description="Received by the consignees, in this unit.")
    outstanding: float = strawberry.field(description="The lines' max(0, onHand - returned), summed.")


@strawberry.type(
    description="Where a recall stands, for the coordinator's report (also GET /recalls/{id}.csv, .xlsx); quantities "
    "are per unit, in Recall.effectivenessByUnit."
)
class RecallProgress(View, rc.RecallProgress):
    fully_returned: int = strawberry.field(
        description="Consignees that returned all they had on hand (lines with nothing on hand ask for nothing)."
    )
    start_overdue: bool = strawberry.field(description="startBy has passed and no consignee is notified.")
    finish_overdue: bool = strawberry.field(description="finishBy has passed and goods are still out.")


@strawberry.type(
    description="A line a recall had not finished with when it closed: the consignee was never notified, or it "
    "still held something of the batch."
)
class RecallNotReached(View, rc.NotReached):
    outstanding: float = strawberry.field(description="What it still held, in the line's unit.")
    enterprise_id: Private[str]
    batch_id: Private[str]

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.enterprise_id)

    @strawberry.field
    async def batch(self, info: Info) -> CoreBatch:
        return await batch_of(info, self.batch_id)


@strawberry.type(description="What a recall achieved, frozen when it closed: later data never changes it.")
class RecallFinalReport(View, rc.FinalReport):
    effectiveness: float = strawberry.field(description="The smallest per-unit effectiveness at closing.")
    by_unit: tuple[UnitEffectiveness, ...] = strawberry.field(name="effectivenessByUnit", description="By unit.")
    not_reached: tuple[RecallNotReached, ...] = strawberry.field(description="By enterprise id, then batch id.")

    @classmethod
    def of(cls, value: rc.FinalReport, **more: Any) -> Self:
        by_unit = tuple(UnitEffectiveness.of(u) for u in value.by_unit)
        not_reached = tuple(RecallNotReached.of(n) for n in value.not_reached)
        return super().of(value, by_unit=by_unit, not_reached=not_reached, **more)


@strawberry.type(description="A recall: its scope snapshot, deadlines, returns and effectiveness.")
class Recall:
    value: Private[rc.Recall]
    now_ms: Private[int]  # the instant progress answers for

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.value.id)

    @strawberry.field
    def recall_class(self) -> RecallClass:
        return self.value.recall_class

    @strawberry.field(description="Opened + 24 h (I), 48 h (II), 72 h (III).")
    def start_by(self) -> datetime:
        return from_ms(self.value.start_by_ms)

    @strawberry.field(description="Opened + 10 (I), 20 (II), 30 (III) working days (Mon-Fri).")
    def finish_by(self) -> datetime:
        return from_ms(self.value.finish_by_ms)

    @strawberry.field(description="By enterprise id, then batch id.")
    def consignees(self) -> list[RecallConsignee]:
        return [RecallConsignee.of(line) for line in self.value.lines]

    @strawberry.field(
        description="The smallest per-unit e(u) = min(1, sum(returned) / sum(onHand)) over units with something on "
        "hand; 1 when nothing is on hand anywhere. Units are never added together."
    )
    def effectiveness(self) -> float:
        return self.value.effectiveness

    @strawberry.field(description="By unit.")
    def effectiveness_by_unit(self) -> list[UnitEffectiveness]:
        return [UnitEffectiveness.of(rc.UnitOutcome.of_totals(u)) for u in self.value.by_unit()]

    @strawberry.field
    def opened_at(self) -> datetime:
        return from_ms(self.value.opened_at_ms)

    @strawberry.field
    def opened_by(self) -> str:
        return self.value.opened_by

    @strawberry.field
    def warning_id(self) -> str | None:
        return self.value.warning_id

    @strawberry.field
    def source_ids(self) -> list[str]:
        return self.value.sources

    @strawberry.field
    def effectiveness_check(self) -> EffectivenessCheck:
        level, share, count = self.value.check()
        return EffectivenessCheck(level=level, consignee_share=share, consignees_to_check=count)

    @strawberry.field(description="As it stood at closing, once closed.")
    def progress(self) -> RecallProgress:
        return RecallProgress.of(self.value.progress(self.now_ms))

    @strawberry.field(description="OPEN takes returns and notices; CLOSED takes none.")
    def status(self) -> RecallStatus:
        return self.value.status

    @strawberry.field
    def closed_at(self) -> datetime | None:
        return None if self.value.closed_at_ms is None else from_ms(self.value.closed_at_ms)

    @strawberry.field
    def close_reason(self) -> str | None:
        return self.value.close_reason

    @strawberry.field
    def closed_by(self) -> str | None:
        return self.value.closed_by

    @strawberry.field(
        description="Effectiveness per unit and the consignees not reached, frozen at closing; null while OPEN."
    )
    def final_report(self) -> RecallFinalReport | None:
        report = self.value.final_report
        return RecallFinalReport.of(report) if report else None

    @strawberry.field(description="The affected batches of the snapshot, by depth then id.")
    async def affected_batches(self, info: Info) -> list[CoreTracedBatch]:
        affected = self.value.affected
        found = await info.context.loaders.batch.load_many([b for b, _ in affected])
        return [traced_of(b, d) for b, (_, d) in zip(found, affected, strict=True) if b]

    @strawberry.field(
        description="The mass-balance issues of its affected batches as the records stand now (a party that "
        "shipped and used more of a batch than it produced and received), by enterprise id, then batch id."
    )
    async def mass_balance_issues(self, info: Info) -> list[CoreMassBalanceIssue]:
        found = await mass_balance_issues_of(info, [b for b, _ in self.value.affected])
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
        recalls = [Recall(value=r, now_ms=now_ms) for r in p.recalls]
        return cls(recalls=recalls, end_cursor=p.end_cursor, has_next_page=p.has_next_page)


@strawberry.type(description="Is a warning working? Keep, adjust or lift it, and why.")
class WarningEvaluation:
    warning: RiskWarning
    signals_before: list[str] = strawberry.field(description="Signals on its targets before it took effect.")
    signals_after: list[str] = strawberry.field(description="New signals on its targets since (its own excluded).")
    port_control_hits: int
    recent_port_control_hits: int
    recalls: list[Recall]
    recommendation: Recommendation
    reason: str


@strawberry.input(description="A risk signal, as the risk_signal record of contract/RECORDS.md.")
class RiskSignalInput:
    id: strawberry.ID
    source: SignalSource
    hazard: Hazard
    severity: int
    probability: float
    received_at: str
    subject_batch: strawberry.ID | None = None
    subject_product: strawberry.ID | None = None
    subject_enterprise: strawberry.ID | None = None
    description: str | None = None
    channel: SignalChannelInput | None = strawberry.field(
        default=None, description="The channel it came by, with that channel's fields."
    )
    incident_key: str | None = strawberry.field(
        default=None, description="The reporter's key of the incident: signals of one incident count once."
    )

    def record(self) -> dict[str, Any]:
        """The risk_signal record it stands for (imported like any record, so validated like one)."""
        subject = {
            k: str(v)
            for k, v in (
                ("batch", self.subject_batch),
                ("product", self.subject_product),
                ("enterprise", self.subject_enterprise),
            )
            if v is not None
        }
        record: dict[str, Any] = {
            "id": str(self.id),
            "source": self.source.value,
            "hazard": self.hazard.value,
            "severity": self.severity,
            "probability": self.probability,
            "receivedAt": self.received_at,
            "subject": subject,
        }
        if self.description is not None:
            record["description"] = self.description
        if self.channel is not None:
            record["channel"] = self.channel.record()
        if self.incident_key is not None:
            record["incidentKey"] = self.incident_key
        return record


@strawberry.input(
    description="A signal's channel: its kind, and the fields of that kind (the others left out). Required: "
    "MANDATORY_REPORT reporterRole, reporter; VOLUNTARY_REPORT institution, institutionKind; PRESS outlet, "
    "publishedAt; INJURY_REPORT reportingBody, occurredAt, injuredCount; FOODBORNE_ILLNESS reportingBody, onsetAt, "
    "caseCount; SHARED_INCIDENT incidentKind, department, occurredAt; COUNTERFEIT_REPORT venue, seller."
)
class SignalChannelInput:
    kind: ChannelKind
    contact: str | None = None
    purchase_place: str | None = None
    purchased_at: str | None = None
    reporter_role: ReporterRole | None = None
    reporter: strawberry.ID | None = None
    findings: str | None = None
    institution: str | None = None
    institution_kind: InstitutionKind | None = None
    reference: str | None = None
    outlet: str | None = None
    published_at: str | None = None
    url: str | None = None
    reporting_body: str | None = None
    occurred_at: str | None = None
    injured_count: int | None = None
    injury_type: str | None = None
    onset_at: str | None = None
    case_count: int | None = None
    pathogen: str | None = None
    incident_kind: IncidentKind | None = None
    department: str | None = None
    location: str | None = None
    casualties: int | None = None
    venue: Venue | None = None
    seller: str | None = None
    platform: str | None = None
    listing_url: str | None = None
    claimed_brand: str | None = None

    def record(self) -> dict[str, Any]:
        """The record's channel object: the fields given, by their wire (camelCase) names."""
        return {
            to_camel_case(name): (
                value.value if isinstance(value, Enum) else str(value) if name == "reporter" else value
            )
            for name, value in vars(self).items()
            if value is not None
        }


@strawberry.type
class ShipmentRiskFields:
    """Risk's fields of the core Shipment (api/gql/types.py), which extends this mixin."""

    if TYPE_CHECKING:
        id: strawberry.ID

    @strawberry.field(description="Warnings that were in force when it was shipped and whose targets match it.")
    async def port_control_hits(self, info: Info) -> list[PortControlHit]:
        loader = info.context.loaders.keyed("shipment_hits", partial(pc.shipment_hits, info.context.graph))
        return [PortControlHit.of(h) for h in await counted(info, loader, self.id)]
