"""Monitoring over GraphQL (issue 17, items 1, 2 and 4): monitoring plans and their results, risk-based sampling
and spot checks, and the quality indicators. Types and resolvers; the domain is graph/monitoring/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.gql.context import Info
from api.gql.enums import Hazard, Stage
from graph.clock import iso
from graph.monitoring import indicators, plans, sampling

# --- plans ----------------------------------------------------------------------------------------------------------


@strawberry.type
class StageQuota:
    stage: Stage
    samples: int


@strawberry.type(description="What a plan samples: lots matching every list given (any item of a list).")
class PlanTarget:
    id: strawberry.ID
    countries: list[str]
    hs_prefixes: list[str]
    categories: list[str]
    hazards: list[Hazard]
    quotas: list[StageQuota]

    @classmethod
    def of(cls, t: plans.Target) -> PlanTarget:
        return cls(
            id=strawberry.ID(t.id),
            countries=list(t.countries),
            hs_prefixes=list(t.hs_prefixes),
            categories=list(t.categories),
            hazards=[Hazard(h) for h in t.hazards],
            quotas=[StageQuota(stage=Stage(q.stage), samples=q.samples) for q in t.quotas],
        )


@strawberry.type
class ResponsibleAgency:
    id: strawberry.ID
    name: str
    kind: str


@strawberry.type(description="A monitoring plan for a period: targets, stages, quotas, the agencies responsible.")
class MonitoringPlan:
    id: strawberry.ID
    name: str
    period_start: str
    period_end: str = strawberry.field(description="The last day of the period (included).")
    stages: list[Stage]
    agencies: list[ResponsibleAgency]
    targets: list[PlanTarget]
    description: str | None
    published_at: str | None = strawberry.field(description="When its aggregate results were made public.")
    published_by: str | None

    @classmethod
    def of(cls, p: plans.Plan) -> MonitoringPlan:
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            period_start=p.period_start,
            period_end=p.period_end,
            stages=[Stage(s) for s in p.stages],
            agencies=[ResponsibleAgency(id=strawberry.ID(a.id), name=a.name, kind=a.kind) for a in p.agencies],
            targets=[PlanTarget.of(t) for t in p.targets],
            description=p.description,
            published_at=iso(p.published_at_ms) if p.published_at_ms is not None else None,
            published_by=p.published_by,
        )

    @strawberry.field(description="Its progress against its quotas and its results (plan_results).")
    async def results(self, info: Info) -> PlanResults:
        return PlanResults.of(await plans.plan_results(info.context.graph, str(self.id)))


def _counts(c: plans.Counted) -> dict[str, Any]:
    """The fields every level of a plan's results has (StageResult, TargetResult, PlanResults)."""
    return {"quota": c.quota, "tested": c.tested, "failed": c.failed, "fail_rate": c.fail_rate, "progress": c.progress}


@strawberry.type(description="One target at one stage: quota, tested, failed (tests within the plan's period).")
class StageResult:
    stage: Stage
    quota: int | None = strawberry.field(description="null: the target sets no quota at this stage.")
    tested: int
    failed: int
    fail_rate: float | None = strawberry.field(description="failed / tested; null when nothing was tested.")
    progress: float | None = strawberry.field(description="tested / quota; null without a quota.")


@strawberry.type
class TargetResult:
    target: PlanTarget
    stages: list[StageResult]
    quota: int
    tested: int
    failed: int
    fail_rate: float | None
    progress: float | None


@strawberry.type(description="A failed test of the plan: the report, the lot and its producer.")
class PlanFailure:
    report_id: strawberry.ID
    batch_id: strawberry.ID
    product_id: strawberry.ID
    producer_id: strawberry.ID
    lab_id: strawberry.ID | None
    target_id: strawberry.ID
    stage: Stage
    tested_at: str


@strawberry.type
class PlanResults:
    plan_id: strawberry.ID
    targets: list[TargetResult]
    quota: int
    tested: int
    failed: int
    fail_rate: float | None
    progress: float | None
    failures: list[PlanFailure] = strawberry.field(description="The first 1 000 failed tests, by testedAt.")
    failures_complete: bool
    outside_period: int = strawberry.field(description="Reports naming the plan tested outside its period.")
    unmatched: int = strawberry.field(description="Reports naming a target or stage the plan lacks.")
    as_of: str

    @classmethod
    def of(cls, r: plans.PlanResults) -> PlanResults:
        return cls(
            plan_id=strawberry.ID(r.plan.id),
            targets=[
                TargetResult(
                    target=PlanTarget.of(t.target),
                    stages=[StageResult(stage=Stage(s.stage), **_counts(s)) for s in t.stages],
                    **_counts(t),
                )
                for t in r.targets
            ],
            **_counts(r),
            failures=[
                PlanFailure(
                    report_id=strawberry.ID(f.report),
                    batch_id=strawberry.ID(f.batch),
                    product_id=strawberry.ID(f.product),
                    producer_id=strawberry.ID(f.producer),
                    lab_id=strawberry.ID(f.lab) if f.lab else None,
                    target_id=strawberry.ID(f.target),
                    stage=Stage(f.stage),
                    tested_at=f.tested_at,
                )
                for f in r.failures
            ],
            failures_complete=r.failures_complete,
            outside_period=r.outside_period,
            unmatched=r.unmatched,
            as_of=iso(r.as_of_ms),
        )


@strawberry.input
class StageQuotaInput:
    stage: Stage
    samples: int


@strawberry.input
class PlanTargetInput:
    id: strawberry.ID
    hazards: list[Hazard]
    quotas: list[StageQuotaInput]
    countries: list[str] | None = None
    hs_prefixes: list[str] | None = None
    categories: list[str] | None = strawberry.field(default=None, description="Product categories (FOOD, TOY...).")


@strawberry.input(description="A monitoring_plan record (docs/MONITORING.md), validated like one.")
class MonitoringPlanInput:
    id: strawberry.ID
    name: str
    period_start: str
    period_end: str
    stages: list[Stage]
    agencies: list[strawberry.ID]
    targets: list[PlanTargetInput]
    description: str | None = None

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "periodStart": self.period_start,
            "periodEnd": self.period_end,
            "stages": [s.value for s in self.stages],
            "agencies": [str(a) for a in self.agencies],
            "targets": [
                {
                    "id": str(t.id),
                    "hazards": [h.value for h in t.hazards],
                    "quotas": [{"stage": q.stage.value, "samples": q.samples} for q in t.quotas],
                    **{
                        k: v
                        for k, v in (
                            ("countries", t.countries),
                            ("hsPrefixes", t.hs_prefixes),
                            ("categories", t.categories),
                        )
                        if v is not None
                    },
                }
                for t in self.targets
            ],
        }
        if self.description is not None:
            record["description"] = self.description
        return record


# --- sampling -------------------------------------------------------------------------------------------------------


@strawberry.type(description="One reason of a sampling score: its kind, the points it adds, what it saw.")
class ScoreComponent:
    kind: str
    points: float
    detail: str


def _components(components: tuple[sampling.Component, ...]) -> list[ScoreComponent]:
    return [ScoreComponent(kind=c.kind, points=c.points, detail=c.detail) for c in components]


@strawberry.type
class SamplingCandidate:
    batch_id: strawberry.ID
    shipment_id: strawberry.ID | None = strawberry.field(description="At PORT: the lot's latest import shipment.")
    product_id: strawberry.ID
    producer_id: strawberry.ID
    score: float
    reasons: list[ScoreComponent]


@strawberry.type
class SamplingPage:
    plan_id: strawberry.ID
    target_id: strawberry.ID
    stage: Stage
    score_definition: str
    items: list[SamplingCandidate]
    end_cursor: str | None
    has_next_page: bool
    candidates: int = strawberry.field(description="How many lots were ranked.")
    candidates_complete: bool = strawberry.field(description="false: only the newest 5 000 lots were ranked.")

    @classmethod
    def of(cls, p: sampling.SamplingPage) -> SamplingPage:
        return cls(
            plan_id=strawberry.ID(p.plan_id),
            target_id=strawberry.ID(p.target_id),
            stage=Stage(p.stage),
            score_definition=sampling.SCORE_DEFINITION,
            items=[
                SamplingCandidate(
                    batch_id=strawberry.ID(c.batch),
                    shipment_id=strawberry.ID(c.shipment) if c.shipment else None,
                    product_id=strawberry.ID(c.product),
                    producer_id=strawberry.ID(c.producer),
                    score=c.score,
                    reasons=_components(c.components),
                )
                for c in p.items
            ],
            end_cursor=p.end_cursor,
            has_next_page=p.has_next_page,
            candidates=p.candidates,
            candidates_complete=p.candidates_complete,
        )


@strawberry.type(description="A spot check outside the statutory catalogue, proposed with its score and reasons.")
class SpotCheck:
    id: strawberry.ID
    plan_id: strawberry.ID
    batch_id: strawberry.ID
    stage: Stage
    reason: str
    status: str = strawberry.field(description="PROPOSED, ACCEPTED or REJECTED.")
    score: float
    reasons: list[ScoreComponent]
    proposed_by: str
    proposed_at: str
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None

    @classmethod
    def of(cls, c: sampling.SpotCheck) -> SpotCheck:
        return cls(
            id=strawberry.ID(c.id),
            plan_id=strawberry.ID(c.plan_id),
            batch_id=strawberry.ID(c.batch),
            stage=Stage(c.stage),
            reason=c.reason,
            status=c.status,
            score=c.score,
            reasons=_components(c.components),
            proposed_by=c.proposed_by,
            proposed_at=iso(c.proposed_at_ms),
            decided_by=c.decided_by,
            decided_at=iso(c.decided_at_ms) if c.decided_at_ms is not None else None,
            decision_reason=c.decision_reason,
        )


# --- quality indicators ---------------------------------------------------------------------------------------------

strawberry.enum(indicators.Dimension, name="IndicatorDimension")
IndicatorDimension = indicators.Dimension


@strawberry.type(description="One month of a group's indicators (UTC calendar months).")
class IndicatorMonth:
    month: str = strawberry.field(description="YYYY-MM")
    tested: int
    passed: int
    pass_rate: float | None
    shipments: int
    signals: int
    signals_per10k_shipments: float | None
    warnings: int
    warnings_per10k_shipments: float | None
    recalls: int
    recall_effectiveness: float | None


@strawberry.type
class IndicatorDefinition:
    name: str
    definition: str


@strawberry.type(description="Quality indicators of one commodity, origin country or enterprise, by month.")
class QualityIndicators:
    dimension: IndicatorDimension
    key: str
    months: list[IndicatorMonth]
    definitions: list[IndicatorDefinition]
    lots: int = strawberry.field(description="The group's lots the indicators count.")
    lots_complete: bool = strawberry.field(description="false: the group has more lots than were counted.")

    @classmethod
    def of(cls, q: indicators.Indicators) -> QualityIndicators:
        return cls(
            dimension=q.dimension,
            key=q.key,
            months=[
                IndicatorMonth(
                    month=m.month,
                    tested=m.tested,
                    passed=m.passed,
                    pass_rate=m.pass_rate,
                    shipments=m.shipments,
                    signals=m.signals,
                    signals_per10k_shipments=m.signals_per_10k,
                    warnings=m.warnings,
                    warnings_per10k_shipments=m.warnings_per_10k,
                    recalls=m.recalls,
                    recall_effectiveness=m.recall_effectiveness,
                )
                for m in q.months
            ],
            definitions=[IndicatorDefinition(name=k, definition=v) for k, v in indicators.DEFINITIONS.items()],
            lots=q.lots,
            lots_complete=q.lots_complete,
        )


# --- operations -----------------------------------------------------------------------------------------------------


@strawberry.type
class MonitoringQuery:
    @strawberry.field(description="Monitoring plans, newest period first; activeAt keeps those whose period holds it.")
    async def monitoring_plans(
        self, info: Info, active_at: datetime | None = None, first: int = 100
    ) -> list[MonitoringPlan]:
        at = int(active_at.timestamp() * 1000) if active_at is not None else None
        return [MonitoringPlan.of(p) for p in await plans.listing(info.context.graph, at, first)]

    @strawberry.field(description="A monitoring plan by id; null when unknown.")
    async def monitoring_plan(self, info: Info, id: strawberry.ID) -> MonitoringPlan | None:
        found = (await plans.plans_by_id(info.context.graph, [str(id)]))[0]
        return MonitoringPlan.of(found) if found else None

    @strawberry.field(description="A plan's progress against its quotas and its results per target and stage.")
    async def plan_results(self, info: Info, plan_id: strawberry.ID) -> PlanResults:
        return PlanResults.of(await plans.plan_results(info.context.graph, str(plan_id)))

    @strawberry.field(
        description="The lots (at PORT: import shipments) of a plan's target to sample next at a stage, ranked by "
        "the stated score (scoreDefinition) with its components as reasons; first is 1..200, after the endCursor."
    )
    async def next_samples(
        self,
        info: Info,
        plan_id: strawberry.ID,
        target_id: strawberry.ID,
        stage: Stage,
        first: int = 20,
        after: str | None = None,
    ) -> SamplingPage:
        page = await sampling.next_samples(info.context.graph, str(plan_id), str(target_id), stage.value, first, after)
        return SamplingPage.of(page)

    @strawberry.field(description="A plan's spot checks, newest first; first is 1..200.")
    async def spot_checks(self, info: Info, plan_id: strawberry.ID, first: int = 100) -> list[SpotCheck]:
        return [SpotCheck.of(c) for c in await sampling.spot_checks_of(info.context.graph, str(plan_id), first)]

    @strawberry.field(
        description="Quality indicators by month: dimension COMMODITY (key: an HS-code prefix of 2..10 digits or a "
        "product category), ORIGIN (an ISO country code) or ENTERPRISE (the producer's id); months as YYYY-MM, at "
        "most 60."
    )
    async def quality_indicators(
        self,
        info: Info,
        dimension: IndicatorDimension,
        key: str,
        from_month: str,
        to_month: str,
    ) -> QualityIndicators:
        found = await indicators.indicators(info.context.graph, dimension, key, from_month, to_month)
        return QualityIndicators.of(found)


@strawberry.type
class MonitoringMutation:
    @strawberry.mutation(description="Create or replace a monitoring plan; the same validation as its record.")
    async def create_monitoring_plan(self, info: Info, input: MonitoringPlanInput) -> MonitoringPlan:
        return MonitoringPlan.of(await plans.create(info.context.graph, input.record(), info.context.actor))

    @strawberry.mutation(description="Publish a plan's aggregate results (GET /public/plans/{id}); signed by by.")
    async def publish_plan_results(self, info: Info, plan_id: strawberry.ID, by: str) -> MonitoringPlan:
        signer = info.context.signed_by(by)
        return MonitoringPlan.of(await plans.publish(info.context.graph, str(plan_id), signer))

    @strawberry.mutation(
        description="Propose a spot check of a lot outside the statutory catalogue, under a plan and at a stage; "
        "it carries the lot's sampling score and reasons, and waits for another monitoring officer."
    )
    async def propose_spot_check(
        self, info: Info, plan_id: strawberry.ID, batch_id: strawberry.ID, stage: Stage, reason: str, by: str
    ) -> SpotCheck:
        signer = info.context.signed_by(by)
        found = await sampling.propose_spot_check(
            info.context.graph, str(plan_id), str(batch_id), stage.value, reason, signer
        )
        return SpotCheck.of(found)

    @strawberry.mutation(description="Accept a proposed spot check (not its proposer's own).")
    async def accept_spot_check(self, info: Info, id: strawberry.ID, by: str) -> SpotCheck:
        signer = info.context.signed_by(by)
        return SpotCheck.of(await sampling.decide_spot_check(info.context.graph, str(id), True, signer))

    @strawberry.mutation(description="Reject a proposed spot check, with a reason (not its proposer's own).")
    async def reject_spot_check(self, info: Info, id: strawberry.ID, reason: str, by: str) -> SpotCheck:
        signer = info.context.signed_by(by)
        return SpotCheck.of(await sampling.decide_spot_check(info.context.graph, str(id), False, signer, reason))
