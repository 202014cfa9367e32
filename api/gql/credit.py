"""Credit-network operations: contract/core.graphql's contagion and creditEvents, plus reviews, decisions
on grades and listings, and inspection plans."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from api.gql.context import Info
from api.gql.credit_types import (
    BlacklistEntry,
    CreditDecision,
    CreditEvent,
    CreditEventPage,
    DowngradeReview,
    Exposure,
    InspectionPlan,
    OpenedReviews,
)
from api.gql.enums import CreditGrade, ReviewStatus
from api.gql.types import Enterprise
from api.gql.view import found, found_all, reads_only_ids, unset
from graph import clock, contagion, credit, credit_feed, reviews, supervision
from graph.credit_feed import CreditEventRecord
from graph.errors import NotFound

By = Annotated[
    str,
    strawberry.argument(
        description="Who decides, kept with the decision: the caller's token subject (another name is FORBIDDEN)."
    ),
]
Reason = Annotated[str, strawberry.argument(description="Why; kept with the decision and in the credit event.")]


async def _decision(info: Info, enterprise_id: str, change: credit.GradeChange | None) -> CreditDecision:
    info.context.loaders.forget_enterprise(enterprise_id)
    enterprise = await found(info.context.loaders.enterprise, enterprise_id, "enterprise")
    event = CreditEvent.of(CreditEventRecord.of_change(change)) if change else None
    return CreditDecision(enterprise=Enterprise.of(enterprise), event=event)


async def _listing_decision(info: Info, entry_id: str, change: credit.GradeChange | None) -> CreditDecision:
    listing = await credit.listing(info.context.graph, entry_id)
    if listing is None or listing.enterprise_id is None:
        raise LookupError(f"blacklist entry {entry_id!r} is against no enterprise")
    return await _decision(info, listing.enterprise_id, change)


def _selects(fields: list[Selection], name: str) -> bool:
    """Whether the selection of these fields (through fragments, not deeper) asks for the field `name`."""
    for field in fields:
        for child in field.selections:
            if isinstance(child, SelectedField) and child.name == name:
                return True
            if isinstance(child, FragmentSpread | InlineFragment) and _selects([child], name):
                return True
    return False


@strawberry.type
class CreditQuery:
    @strawberry.field(
        description="Risk spreading from the sources (default: every blacklisted enterprise) over ownership, "
        "shared people and trade: every enterprise scoring at least minScore (0..1) within maxHops (1..6) "
        "ties, by score descending then id, with one evidence path per source."
    )
    async def contagion(
        self,
        info: Info,
        source_ids: list[strawberry.ID] | None = strawberry.UNSET,  # the contract declares no default
        max_hops: int = 3,
        min_score: float = 0.05,
    ) -> list[Exposure]:
        ids = unset(source_ids)
        sources = None if ids is None else [str(s) for s in ids]
        # Evidence asked for is built with the search, off the event loop (thousands of paths take seconds).
        evidence = _selects(info.selected_fields, "evidence")
        exposures = await contagion.contagion(info.context.graph, sources, max_hops, min_score, evidence=evidence)
        enterprise_ids = [e.enterprise for e in exposures]
        if reads_only_ids(info, "enterprise"):  # thousands of exposures: no lookup for nothing but their ids
            return [Exposure.of(e, Enterprise.by_id(i)) for e, i in zip(exposures, enterprise_ids, strict=True)]
        nodes = await found_all(info.context.loaders.enterprise, enterprise_ids, "enterprise")
        return [Exposure.of(e, Enterprise.of(n)) for e, n in zip(exposures, nodes, strict=True)]

    @strawberry.field(
        description="Every change of a credit grade in commit order; page with after: endCursor (first 1..1000). "
        "Never skips nor repeats an event, also while events are being committed."
    )
    async def credit_events(
        self, info: Info, after: str | None = strawberry.UNSET, first: int = 100
    ) -> CreditEventPage:
        return CreditEventPage.of(await credit_feed.page(info.context.graph, unset(after), first))

    @strawberry.field(description="Downgrade reviews, newest first; status filters them.")
    async def downgrade_reviews(
        self, info: Info, status: ReviewStatus | None = None, first: int = 100
    ) -> list[DowngradeReview]:
        return [DowngradeReview.of(r) for r in await reviews.listing(info.context.graph, status, first)]

    @strawberry.field(description="A downgrade review by id; null when unknown.")
    async def downgrade_review(self, info: Info, id: strawberry.ID) -> DowngradeReview | None:
        review = (await reviews.by_ids(info.context.graph, [id]))[0]
        return DowngradeReview.of(review) if review else None

    @strawberry.field(description="A blacklist entry by id; null when unknown.")
    async def blacklist_entry(self, info: Info, id: strawberry.ID) -> BlacklistEntry | None:
        listing = await credit.listing(info.context.graph, id)
        return BlacklistEntry.of(listing, now_ms=clock.now_ms()) if listing else None

    @strawberry.field(description="An enterprise's inspection rate under differentiated supervision, and why.")
    async def inspection_plan(self, info: Info, enterprise_id: strawberry.ID) -> InspectionPlan:
        plan = (await supervision.inspection_plans(info.context.graph, [enterprise_id]))[0]
        if plan is None:
            raise NotFound("enterprise", enterprise_id, "enterpriseId")
        return InspectionPlan.of(plan)


@strawberry.type
class CreditMutation:
    @strawberry.mutation(
        description="A regulator sets an enterprise's standing grade. A listing in force still holds the "
        "effective grade down: raising above it is refused until the listing ends or is lifted."
    )
    async def set_credit_grade(
        self,
        info: Info,
        enterprise_id: strawberry.ID,
        grade: CreditGrade,
        reason: Reason,
        by: By,
    ) -> CreditDecision:
        change = await credit.set_grade(info.context.graph, enterprise_id, grade, reason, info.context.signed_by(by))
        return await _decision(info, enterprise_id, change)

    @strawberry.mutation(
        description="Lift a blacklist listing: the grade it replaced returns (credit repair) unless something "
        "else lowered it. Four eyes: a serious listing's lifting is only asked for (pendingLift; the listing stays "
        "in force, event null) until another credit officer confirms it (confirmBlacklistLift)."
    )
    async def lift_blacklist_entry(self, info: Info, id: strawberry.ID, reason: Reason, by: By) -> CreditDecision:
        change = await credit.lift_listing(info.context.graph, id, reason, info.context.signed_by(by))
        return await _listing_decision(info, id, change)

    @strawberry.mutation(
        description="Four eyes: a second credit officer confirms the lifting of a serious listing that another "
        "asked for: lifted now, with the reason given then, and the grade repaired. FORBIDDEN for the officer who "
        "asked."
    )
    async def confirm_blacklist_lift(self, info: Info, id: strawberry.ID) -> CreditDecision:
        change = await credit.confirm_lift(info.context.graph, id, info.context.actor)
        return await _listing_decision(info, id, change)

    @strawberry.mutation(
        description="Open a downgrade review for every exposure whose action is DOWNGRADE_REVIEW (contagion from "
        "sourceIds, default every blacklisted enterprise, within maxHops). Never two open reviews per enterprise."
    )
    async def open_downgrade_reviews(
        self, info: Info, by: By, source_ids: list[strawberry.ID] | None = None, max_hops: int = 3
    ) -> OpenedReviews:
        sources = None if source_ids is None else [str(s) for s in source_ids]
        result = await reviews.open_reviews(info.context.graph, info.context.signed_by(by), sources, max_hops)
        return OpenedReviews(
            opened=[DowngradeReview.of(r) for r in result.opened],
            already_open=[DowngradeReview.of(r) for r in result.already_open],
            skipped=[DowngradeReview.of(r) for r in result.skipped],
        )

    @strawberry.mutation(
        description="Approve an open downgrade review: the enterprise's grade drops one step, and the credit "
        "event carries the review's evidence. Four eyes: FORBIDDEN for the officer who opened the review."
    )
    async def approve_downgrade_review(self, info: Info, id: strawberry.ID, reason: Reason, by: By) -> DowngradeReview:
        review = await reviews.approve(info.context.graph, id, info.context.signed_by(by), reason)
        info.context.loaders.forget_enterprise(review.enterprise_id)
        return DowngradeReview.of(review)

    @strawberry.mutation(description="Reject an open downgrade review, with the reason.")
    async def reject_downgrade_review(self, info: Info, id: strawberry.ID, reason: Reason, by: By) -> DowngradeReview:
        return DowngradeReview.of(await reviews.reject(info.context.graph, id, info.context.signed_by(by), reason))
