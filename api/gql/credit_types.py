"""GraphQL types of the credit network. Names and fields of contract/core.graphql are kept exactly
(CreditEvent, CreditEventPage, ContagionAction, ContagionHop, ContagionPath, Exposure); the rest extends it.
EnterpriseCreditFields are the credit network's fields of the core Enterprise."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from api.gql.context import Info
from api.gql.enums import ContagionAction, ReviewStatus
from api.gql.view import CoreEnterprise, First, View, check_first, counted, enterprise_of, found, nav_fields
from graph import contagion as cg
from graph import credit, credit_feed, nodes, supervision
from graph import reviews as rv
from graph.clock import from_ms, now_ms

if TYPE_CHECKING:
    from api.gql.types import Enterprise


@strawberry.type(description="A change of an enterprise's credit grade, in the order it was committed.")
class CreditEvent(View, credit_feed.CreditEventRecord):
    seq: int = strawberry.field(description="Strictly increasing, without gaps, in commit order.")
    at: datetime = strawberry.field(description="When the change was committed.")
    effective_at: datetime = strawberry.field(
        description="The legal date of the act: a BLACKLIST event's listing date, a CREDIT_REPAIR's lifting or "
        "expiry, a decision's time (`at` for events recorded before it was kept)."
    )
    kind: str = strawberry.field(
        description="BLACKLIST, CREDIT_REPAIR, DOWNGRADE_REVIEW, MANUAL, DECLARED (the record's declared grade "
        "changed) or CORRECTION (corrected records)."
    )
    decided_by: str = strawberry.field(description="The regulator, agency or process that decided the change.")
    evidence: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="The records, paths and rule behind the change."
    )
    enterprise_id: Private[str]
    enterprise_uscc: Private[str | None]  # the bulk feed's; GraphQL reads them through `enterprise`
    enterprise_name: Private[str | None]

    @strawberry.field(description="Resume the feed after this event with `after: cursor`.")
    def cursor(self) -> str:
        return credit_feed.FEED.cursor(self.seq)

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type
class CreditEventPage(View, credit_feed.CreditEventPage):
    events: tuple[CreditEvent, ...]
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; on an empty page, the cursor that was given."
    )

    @classmethod
    def of(cls, value: credit_feed.CreditEventPage, **more: Any) -> Self:
        return super().of(value, events=tuple(CreditEvent.of(e) for e in value.events), **more)


@strawberry.type(description="One tie on a contagion path, oriented from the source towards the exposed enterprise.")
class ContagionHop(View, cg.Hop):
    kind: str = strawberry.field(description="CONTROL, SHARED_PERSON, SHAREHOLDING, TRADE or MINOR_SHARE")
    via: str | None = strawberry.field(description="The shared person's id, for SHARED_PERSON.")
    from_id: Private[str]
    to_id: Private[str]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.from_id)

    @strawberry.field
    async def to(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.to_id)


@strawberry.type(description="The best path from one source: its score is the product of its tie weights.")
class ContagionPath(View, cg.ContagionPath):
    hops: tuple[ContagionHop, ...]
    source_id: Private[str]

    @classmethod
    def of(cls, value: cg.ContagionPath, **more: Any) -> Self:
        return super().of(value, hops=tuple(ContagionHop.of(h) for h in value.hops), **more)

    @strawberry.field
    async def source(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.source_id)


@strawberry.type(description="An enterprise's exposure to the sources, with one evidence path per source.")
class Exposure:
    score: float
    action: ContagionAction
    value: Private[cg.Exposure]
    preloaded: Private[Enterprise | None] = None

    @classmethod
    def of(cls, e: cg.Exposure, enterprise: Enterprise | None = None) -> Exposure:
        return cls(score=e.score, action=e.action, value=e, preloaded=enterprise)

    @strawberry.field(description="One best path per source, by score descending (built when asked for).")
    def evidence(self) -> list[ContagionPath]:
        return [ContagionPath.of(p) for p in self.value.evidence]

    @strawberry.field
    def enterprise(self, info: Info) -> CoreEnterprise:
        # A list of thousands of exposures preloads its enterprises in one batch: a plain value per item is far
        # cheaper for graphql-core than an awaitable. Otherwise the loader's awaitable, which graphql-core awaits.
        if self.preloaded is not None:
            return self.preloaded
        return enterprise_of(info, self.value.enterprise)  # type: ignore[return-value]


@strawberry.type(description="An association between two enterprises: the strongest tie between them.")
class Tie(View, nodes.Tie):
    kind: str = strawberry.field(description="CONTROL, SHARED_PERSON, SHAREHOLDING, TRADE or MINOR_SHARE")
    via: str | None = strawberry.field(description="The shared person's id, for SHARED_PERSON.")
    other_id: Private[str]

    @strawberry.field(description="The enterprise at the other end.")
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.other_id)


@strawberry.type(description="The lifting of a serious listing, asked for and awaiting a second credit officer.")
class PendingLift:
    requested_by: str
    requested_at: datetime
    reason: str


@strawberry.type(description="A blacklist listing: in force from listedAt until it expires or is lifted.")
class BlacklistEntry(View, credit.Listing):
    id: strawberry.ID
    serious: bool = strawberry.field(description="Serious dishonesty: the grade drops to SERIOUSLY_DISHONEST.")
    listed_at_ms: Private[int]
    expires_at_ms: Private[int | None]
    lifted_at_ms: Private[int | None]
    lift_requested_by: Private[str | None] = None  # shown as pendingLift
    lift_requested_at_ms: Private[int | None] = None
    lift_request_reason: Private[str | None] = None
    enterprise_id: Private[str | None]
    now_ms: Private[int]  # the instant `inForce` answers for: when the request read the listing

    @strawberry.field(name="inForce")
    def in_force_now(self) -> bool:
        return self.in_force(self.now_ms)

    @strawberry.field
    def lifted_at(self) -> datetime | None:
        return None if self.lifted_at_ms is None else from_ms(self.lifted_at_ms)

    @strawberry.field(
        description="Four eyes: a lifting asked for and awaiting a second credit officer (the listing is in force "
        "meanwhile); null when none."
    )
    def pending_lift(self) -> PendingLift | None:
        if not self.lift_pending or self.lift_requested_by is None or self.lift_requested_at_ms is None:
            return None
        return PendingLift(
            requested_by=self.lift_requested_by,
            requested_at=from_ms(self.lift_requested_at_ms),
            reason=self.lift_request_reason or "",
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        if self.enterprise_id is None:
            raise LookupError(f"blacklist entry {self.id!r} is against no enterprise")
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type(description="A downgrade review opened from a contagion exposure, and its decision.")
class DowngradeReview(View, rv.Review):
    id: strawberry.ID
    score: float = strawberry.field(description="The contagion score when the review was opened.")
    evidence: tuple[ContagionPath, ...] = strawberry.field(description="Snapshot of the evidence at opening.")
    credit_event_seq: int | None = strawberry.field(description="The credit event an approval wrote.")
    enterprise_id: Private[str]

    @classmethod
    def of(cls, value: rv.Review, **more: Any) -> Self:
        return super().of(value, evidence=tuple(ContagionPath.of(p) for p in value.evidence), **more)

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type
class OpenedReviews:
    opened: list[DowngradeReview] = strawberry.field(description="Reviews this request opened.")
    already_open: list[DowngradeReview] = strawberry.field(description="Exposures that already had an open review.")
    skipped: list[DowngradeReview] = strawberry.field(
        description="Exposures that rest on no evidence beyond what the enterprise's last approved review weighed "
        "(no new source, tie or higher score): that approved review. The same evidence cannot downgrade twice."
    )


@strawberry.type(description="One factor of an inspection plan and the rate it calls for.")
class InspectionReason(View, supervision.InspectionReason):
    kind: str = strawberry.field(description="CREDIT_GRADE or CONTAGION")


@strawberry.type(description="Differentiated supervision: the share of declarations to inspect, and why.")
class InspectionPlan(View, supervision.InspectionPlan):
    rate: float = strawberry.field(description="The highest rate any reason calls for (0..1).")
    base_rate: float = strawberry.field(description="The REGULAR grade's rate.")
    reasons: tuple[InspectionReason, ...]
    exposure: Private[cg.Exposure | None]
    enterprise_id: Private[str]

    @classmethod
    def of(cls, value: supervision.InspectionPlan, **more: Any) -> Self:
        return super().of(value, reasons=tuple(InspectionReason.of(r) for r in value.reasons), **more)

    @strawberry.field(name="exposure", description="The contagion exposure, when there is one.")
    def exposure_of(self) -> Exposure | None:
        return Exposure.of(self.exposure) if self.exposure else None

    @strawberry.field
    async def enterprise(self, info: Info) -> CoreEnterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type(
    description="The outcome of a credit decision: the enterprise now, and the event if its grade changed."
)
class CreditDecision:
    enterprise: CoreEnterprise
    event: CreditEvent | None = strawberry.field(description="Null when the effective grade did not change.")


@strawberry.type
class EnterpriseCreditFields:
    """The credit network's fields of the core Enterprise (api/gql/types.py), which extends this mixin."""

    if TYPE_CHECKING:
        id: strawberry.ID

    @strawberry.field(description="Changes of this enterprise's credit grade, newest first.")
    async def credit_history(self, info: Info, first: First = 20) -> list[CreditEvent]:
        check_first(first)
        loader = info.context.loaders.keyed(
            f"credit_history:{first}", partial(credit_feed.history, info.context.graph, limit=first)
        )
        return [CreditEvent.of(e) for e in await counted(info, loader, self.id)]

    @strawberry.field(description="Blacklist listings against this enterprise, newest first (lifted ones too).")
    async def blacklist_entries(self, info: Info, first: First = 100) -> list[BlacklistEntry]:
        check_first(first)
        loader = info.context.loaders.keyed(
            f"listings:{first}", partial(credit.listings_of, info.context.graph, limit=first)
        )
        now = now_ms()
        return [BlacklistEntry.of(listing, now_ms=now) for listing in await counted(info, loader, self.id)]

    @strawberry.field(description="Downgrade reviews of this enterprise, newest first; status filters them.")
    async def downgrade_reviews(
        self, info: Info, status: ReviewStatus | None = None, first: First = 20
    ) -> list[DowngradeReview]:
        check_first(first)
        loader = info.context.loaders.keyed(
            f"reviews:{status}:{first}",
            partial(rv.of_enterprises, info.context.graph, limit=first, status=status),
        )
        return [DowngradeReview.of(r) for r in await counted(info, loader, self.id)]

    ties, ties_page = nav_fields(
        "enterprise_ties", "Its direct associations (contagion ties), strongest first, then by the other's id.", of=Tie
    )

    @strawberry.field(
        description="Its exposure to the blacklisted enterprises within 3 ties (null when none reaches it)."
    )
    async def exposure(self, info: Info) -> Exposure | None:
        loader = info.context.loaders.keyed("exposure", partial(cg.exposures_of, info.context.graph))
        exposure = await loader.load(self.id)
        return Exposure.of(exposure) if exposure else None

    @strawberry.field(description="Differentiated supervision: its inspection rate and the reasons for it.")
    async def inspection_plan(self, info: Info) -> InspectionPlan:
        loader = info.context.loaders.keyed(
            "inspection_plan", partial(supervision.inspection_plans, info.context.graph)
        )
        return InspectionPlan.of(await found(loader, self.id, "enterprise"))
