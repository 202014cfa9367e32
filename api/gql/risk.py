"""contract/risk.graphql operations, plus what a risk officer needs around them: signals, warning lists and
measures, notifications, and the evaluation of a warning."""

from __future__ import annotations

import strawberry

from api.gql.context import Info
from api.gql.enums import MeasureKind, MeasureStatus, RecallClass, RecallStatus, WarningGrade, WarningStatus
from api.gql.risk_types import (
    Assessment,
    DeclarationHit,
    PortControlHit,
    Recall,
    RecallPage,
    RiskSignal,
    RiskSignalInput,
    RiskWarning,
    WarningEvaluation,
    WarningTargets,
)
from api.gql.view import unset
from graph import imports
from graph.clock import now_ms
from graph.risk import assessment, evaluation, port_control, recalls, signals, warnings


@strawberry.type
class RiskQuery:
    @strawberry.field(
        description="The signal's risk level (EU risk matrix), the recall scope of its subject's batches "
        "(maxDepth 10), and the warning grade they call for, with the rationale."
    )
    async def assess_signal(self, info: Info, signal_id: strawberry.ID) -> Assessment:
        return Assessment.of(await assessment.assess(info.context.graph, signal_id))

    @strawberry.field(description="A warning by id; null when unknown.")
    async def warning(self, info: Info, id: strawberry.ID) -> RiskWarning | None:
        warning = (await warnings.by_ids(info.context.graph, [id]))[0]
        return RiskWarning(value=warning) if warning else None

    @strawberry.field(
        description="IMPORT and EXPORT shipments of batches the warning targets, shipped on or after effectiveFrom "
        "(and before liftedAt), by shippedAt then shipment id."
    )
    async def port_control_hits(self, info: Info, warning_id: strawberry.ID) -> list[PortControlHit]:
        return [PortControlHit.of(h) for h in await port_control.warning_hits(info.context.graph, warning_id)]

    @strawberry.field(description="The ACTIVE warnings a declaration would hit, before the goods arrive.")
    async def check_declaration(
        self, info: Info, batch_id: strawberry.ID, direction: str, shipped_at: str
    ) -> list[DeclarationHit]:
        hits = await port_control.check_declaration(info.context.graph, batch_id, direction, shipped_at)
        return [DeclarationHit.of(h) for h in hits]

    @strawberry.field(description="A recall by id; null when unknown.")
    async def recall(self, info: Info, id: strawberry.ID) -> Recall | None:
        recall = (await recalls.by_ids(info.context.graph, [id]))[0]
        return Recall(value=recall, now_ms=now_ms()) if recall else None

    @strawberry.field(
        description="Recalls, newest first (openedAt, then id), filtered by status, class and the warning they "
        "answer; first is 1..1000, after the endCursor of the previous page (no recall skipped or repeated when "
        "recalls are opened or closed between pages)."
    )
    async def recalls(
        self,
        info: Info,
        status: RecallStatus | None = None,
        recall_class: RecallClass | None = None,
        warning_id: strawberry.ID | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> RecallPage:
        page = await recalls.listing(
            info.context.graph,
            status,
            recall_class,
            str(warning_id) if warning_id is not None else None,
            first,
            after,
        )
        return RecallPage.of(page, now_ms())

    @strawberry.field(description="A risk signal by id; null when unknown.")
    async def signal(self, info: Info, id: strawberry.ID) -> RiskSignal | None:
        signal = (await signals.signals_by_id(info.context.graph, [id]))[0]
        return RiskSignal.of(signal) if signal else None

    @strawberry.field(description="Warnings, newest first; status filters them.")
    async def warnings(self, info: Info, status: WarningStatus | None = None, first: int = 100) -> list[RiskWarning]:
        return [RiskWarning(value=w) for w in await warnings.listing(info.context.graph, status, first)]

    @strawberry.field(
        description="Is the warning working? Signals on its targets before and after it took effect, its "
        "port-control hits and its recalls' effectiveness, with a recommendation (keep, adjust, lift) and why."
    )
    async def evaluate_warning(self, info: Info, id: strawberry.ID) -> WarningEvaluation:
        e = await evaluation.evaluate(info.context.graph, id)
        now = now_ms()
        return WarningEvaluation(
            warning=RiskWarning(value=e.warning),
            signals_before=e.signals_before,
            signals_after=e.signals_after,
            port_control_hits=e.hits,
            recent_port_control_hits=e.recent_hits,
            recalls=[Recall(value=r, now_ms=now) for r in e.recalls],
            recommendation=e.recommendation,
            reason=e.reason,
        )


@strawberry.type
class RiskMutation:
    @strawberry.mutation(description="Report a risk signal; the same validation and idempotence as a record.")
    async def report_signal(self, info: Info, input: RiskSignalInput) -> RiskSignal:
        return RiskSignal.of(await imports.report_signal(info.context.graph, input.record(), info.context.actor))

    @strawberry.mutation(
        description="Issue a warning on signals. grade defaults to the most severe assessed grade of the signals; "
        "another grade needs a reason. The caller (the token's subject) is kept in the history. Four eyes: a grade "
        "I or II is PROPOSED, not in force, until another risk officer confirms it (confirmWarning)."
    )
    async def issue_warning(
        self,
        info: Info,
        signal_ids: list[strawberry.ID],
        targets: WarningTargets,
        measures: list[MeasureKind],
        grade: WarningGrade | None = strawberry.UNSET,
        reason: str | None = strawberry.UNSET,
    ) -> RiskWarning:
        warning, _ = await warnings.issue(
            info.context.graph,
            [str(s) for s in signal_ids],
            targets.value(),
            measures,
            unset(grade),
            unset(reason),
            by=info.context.actor,
        )
        return RiskWarning(value=warning)

    @strawberry.mutation(
        description="Change a warning's grade, with the reason. To grade I or II the change is PROPOSED until "
        "another risk officer confirms it (the warning stays in force at its grade meanwhile); III and IV act at once."
    )
    async def adjust_warning(self, info: Info, id: strawberry.ID, grade: WarningGrade, reason: str) -> RiskWarning:
        return RiskWarning(value=await warnings.adjust(info.context.graph, id, grade, reason, by=info.context.actor))

    @strawberry.mutation(
        description="Four eyes: a second risk officer confirms a PROPOSED grade I or II; the warning is then ACTIVE "
        "at that grade, and one not yet in force takes effect now (effectiveFrom: port-control hits count from "
        "here). FORBIDDEN for the officer who proposed it."
    )
    async def confirm_warning(self, info: Info, id: strawberry.ID) -> RiskWarning:
        return RiskWarning(value=await warnings.confirm(info.context.graph, id, by=info.context.actor))

    @strawberry.mutation(description="Lift an ACTIVE (or withdraw a PROPOSED) warning, with the reason.")
    async def lift_warning(self, info: Info, id: strawberry.ID, reason: str) -> RiskWarning:
        return RiskWarning(value=await warnings.lift(info.context.graph, id, reason, by=info.context.actor))

    @strawberry.mutation(
        description="Add a measure to a warning, or move one on (PLANNED, IN_PROGRESS, DONE, CANCELLED)."
    )
    async def set_warning_measure(
        self,
        info: Info,
        warning_id: strawberry.ID,
        kind: MeasureKind,
        status: MeasureStatus,
        note: str | None = None,
    ) -> RiskWarning:
        w = await warnings.set_measure(info.context.graph, warning_id, kind, status, note, by=info.context.actor)
        return RiskWarning(value=w)

    @strawberry.mutation(
        description="Open a recall with a snapshot of the recall scope of the batches (maxDepth 10): affected "
        "batches, and per consignee and batch what it received (shipped), forwarded, used and so holds (onHand), "
        "so later data does not move it; deadlines by class."
    )
    async def open_recall(
        self,
        info: Info,
        batch_ids: list[strawberry.ID],
        recall_class: RecallClass,
        warning_id: strawberry.ID | None = strawberry.UNSET,
    ) -> Recall:
        recall = await recalls.open_recall(
            info.context.graph, [str(b) for b in batch_ids], recall_class, unset(warning_id), by=info.context.actor
        )
        return Recall(value=recall, now_ms=now_ms())

    @strawberry.mutation(
        description="Add quantity to what a consignee returned of a batch and mark it notified; more than "
        "shipped minus returned is BAD_USER_INPUT."
    )
    async def record_recall_return(
        self,
        info: Info,
        recall_id: strawberry.ID,
        enterprise_id: strawberry.ID,
        batch_id: strawberry.ID,
        quantity: float,
    ) -> Recall:
        recall = await recalls.record_return(info.context.graph, recall_id, enterprise_id, batch_id, quantity)
        return Recall(value=recall, now_ms=now_ms())

    @strawberry.mutation(
        description="Close an OPEN recall with the reason: status CLOSED, and a final report (effectiveness per unit, "
        "the consignees not reached) frozen on it. A CLOSED recall takes no more returns or notices (BAD_USER_INPUT). "
        "by: who closes it, the caller (the token's subject) when omitted; another name is FORBIDDEN."
    )
    async def close_recall(self, info: Info, id: strawberry.ID, reason: str, by: str | None = None) -> Recall:
        who = info.context.signed_by(by, may_omit=True)
        closed = await recalls.close_recall(info.context.graph, id, reason, who)
        return Recall(value=closed, now_ms=now_ms())

    @strawberry.mutation(description="Mark a consignee notified of a recall (all its batches).")
    async def mark_recall_notified(self, info: Info, recall_id: strawberry.ID, enterprise_id: strawberry.ID) -> Recall:
        recall = await recalls.mark_notified(info.context.graph, recall_id, enterprise_id)
        return Recall(value=recall, now_ms=now_ms())
