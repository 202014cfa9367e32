"""GraphQL types of the credit network. Names and fields of contract/core.graphql are kept exactly
(CreditEvent, CreditEventPage, ContagionAction, ContagionHop, ContagionPath, Exposure); the rest extends it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from api.gql.context import Info
from api.gql.types import CreditGrade, Enterprise
from graph import contagion as cg
from graph import reviews as rv
from graph import supervision
from graph.clock import from_ms
from graph.credit import Listing
from graph.credit_feed import CreditEventPage as EventPageValue
from graph.credit_feed import CreditEventRecord, encode_cursor

ContagionAction = strawberry.enum(
    cg.Action,
    name="ContagionAction",
    description="score >= 0.6 DOWNGRADE_REVIEW; score >= 0.3 RAISED_INSPECTION; else INFORMATION.",
)
ReviewStatus = strawberry.enum(rv.ReviewStatus, name="ReviewStatus")


async def enterprise_of(info: Info, enterprise_id: str) -> Enterprise:
    return Enterprise.of(await info.context.loaders.enterprise.load(enterprise_id))


@strawberry.type(description="A change of an enterprise's credit grade, in the order it was committed.")
class CreditEvent:
    seq: int = strawberry.field(description="Strictly increasing, without gaps, in commit order.")
    from_grade: CreditGrade  # type: ignore[valid-type]
    to_grade: CreditGrade  # type: ignore[valid-type]
    reason: str
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
    evidence: JSON = strawberry.field(description="The records, paths and rule behind the change.")
    cursor: str = strawberry.field(description="Resume the feed after this event with `after: cursor`.")
    enterprise_id: Private[str]

    @classmethod
    def of(cls, e: CreditEventRecord) -> CreditEvent:
        return cls(
            seq=e.seq,
            from_grade=CreditGrade[e.from_grade],
            to_grade=CreditGrade[e.to_grade],
            reason=e.reason,
            at=e.at,
            effective_at=e.effective_at,
            kind=e.kind,
            decided_by=e.decided_by,
            evidence=e.evidence,
            cursor=encode_cursor(e.seq),
            enterprise_id=e.enterprise,
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type
class CreditEventPage:
    events: list[CreditEvent]
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; on an empty page, the cursor that was given."
    )
    has_next_page: bool

    @classmethod
    def of(cls, p: EventPageValue) -> CreditEventPage:
        return cls(events=[CreditEvent.of(e) for e in p.events], end_cursor=p.end_cursor, has_next_page=p.has_next_page)


@strawberry.type(description="One tie on a contagion path, oriented from the source towards the exposed enterprise.")
class ContagionHop:
    kind: str = strawberry.field(description="CONTROL, SHARED_PERSON, SHAREHOLDING, TRADE or MINOR_SHARE")
    weight: float
    via: str | None = strawberry.field(description="The shared person's id, for SHARED_PERSON.")
    from_id: Private[str]
    to_id: Private[str]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.from_id)

    @strawberry.field
    async def to(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.to_id)


@strawberry.type(description="The best path from one source: its score is the product of its tie weights.")
class ContagionPath:
    score: float
    hops: list[ContagionHop]
    source_id: Private[str]

    @classmethod
    def of(cls, p: cg.ContagionPath) -> ContagionPath:
        hops = [ContagionHop(kind=h.kind, weight=h.weight, via=h.via, from_id=h.from_, to_id=h.to) for h in p.hops]
        return cls(score=p.score, hops=hops, source_id=p.source)

    @strawberry.field
    async def source(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.source_id)


@strawberry.type(description="An enterprise's exposure to the sources, with one evidence path per source.")
class Exposure:
    score: float
    action: ContagionAction  # type: ignore[valid-type]
    value: Private[cg.Exposure]
    preloaded: Private[Enterprise | None] = None

    @classmethod
    def of(cls, e: cg.Exposure, enterprise: Enterprise | None = None) -> Exposure:
        return cls(score=e.score, action=e.action, value=e, preloaded=enterprise)

    @strawberry.field(description="One best path per source, by score descending (built when asked for).")
    def evidence(self) -> list[ContagionPath]:
        return [ContagionPath.of(p) for p in self.value.evidence]

    @strawberry.field
    def enterprise(self, info: Info) -> Enterprise:
        # A list of thousands of exposures preloads its enterprises in one batch: a plain value per item is far
        # cheaper for graphql-core than an awaitable. Otherwise the loader's awaitable, which graphql-core awaits.
        if self.preloaded is not None:
            return self.preloaded
        return enterprise_of(info, self.value.enterprise)  # type: ignore[return-value]


@strawberry.type(description="An association between two enterprises: the strongest tie between them.")
class Tie:
    kind: str = strawberry.field(description="CONTROL, SHARED_PERSON, SHAREHOLDING, TRADE or MINOR_SHARE")
    weight: float
    via: str | None = strawberry.field(description="The shared person's id, for SHARED_PERSON.")
    other_id: Private[str]

    @strawberry.field(description="The enterprise at the other end.")
    async def enterprise(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.other_id)


@strawberry.type(description="A blacklist listing: in force from listedAt until it expires or is lifted.")
class BlacklistEntry:
    id: strawberry.ID
    reason: str
    listed_at: str
    expires_at: str | None
    serious: bool = strawberry.field(description="Serious dishonesty: the grade drops to SERIOUSLY_DISHONEST.")
    in_force: bool
    agency_id: str | None
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None
    enterprise_id: Private[str]

    @classmethod
    def of(cls, m: dict, now_ms: int) -> BlacklistEntry:
        listing = Listing.of(m)
        lifted = listing.lifted_at_ms
        return cls(
            id=strawberry.ID(listing.id),
            reason=listing.reason,
            listed_at=listing.listed_at,
            expires_at=listing.expires_at,
            serious=listing.serious,
            in_force=listing.in_force(now_ms),
            agency_id=listing.agency,
            lifted_at=None if lifted is None else from_ms(lifted),
            lifted_by=listing.lifted_by,
            lift_reason=listing.lift_reason,
            enterprise_id=m["enterprise"],
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type(description="A downgrade review opened from a contagion exposure, and its decision.")
class DowngradeReview:
    id: strawberry.ID
    status: ReviewStatus  # type: ignore[valid-type]
    score: float = strawberry.field(description="The contagion score when the review was opened.")
    action: str
    evidence: list[ContagionPath] = strawberry.field(description="Snapshot of the evidence at opening.")
    sources: list[str]
    max_hops: int
    grade_at_opening: CreditGrade  # type: ignore[valid-type]
    opened_at: datetime
    opened_by: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    credit_event_seq: int | None = strawberry.field(description="The credit event an approval wrote.")
    enterprise_id: Private[str]

    @classmethod
    def of(cls, r: rv.Review) -> DowngradeReview:
        return cls(
            id=strawberry.ID(r.id),
            status=r.status,
            score=r.score,
            action=r.action,
            evidence=[ContagionPath.of(p) for p in r.evidence],
            sources=r.sources,
            max_hops=r.max_hops,
            grade_at_opening=CreditGrade[r.grade_at_opening],
            opened_at=r.opened_at,
            opened_by=r.opened_by,
            decided_at=r.decided_at,
            decided_by=r.decided_by,
            decision_reason=r.decision_reason,
            credit_event_seq=r.credit_event_seq,
            enterprise_id=r.enterprise,
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
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
class InspectionReason:
    kind: str = strawberry.field(description="CREDIT_GRADE or CONTAGION")
    detail: str
    rate: float


@strawberry.type(description="Differentiated supervision: the share of declarations to inspect, and why.")
class InspectionPlan:
    grade: CreditGrade  # type: ignore[valid-type]
    rate: float = strawberry.field(description="The highest rate any reason calls for (0..1).")
    base_rate: float = strawberry.field(description="The REGULAR grade's rate.")
    reasons: list[InspectionReason]
    exposure: Exposure | None = strawberry.field(description="The contagion exposure, when there is one.")
    enterprise_id: Private[str]

    @classmethod
    def of(cls, p: supervision.InspectionPlan) -> InspectionPlan:
        return cls(
            grade=CreditGrade[p.grade.value],
            rate=p.rate,
            base_rate=p.base_rate,
            reasons=[InspectionReason(kind=r.kind, detail=r.detail, rate=r.rate) for r in p.reasons],
            exposure=Exposure.of(p.exposure) if p.exposure else None,
            enterprise_id=p.enterprise,
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return await enterprise_of(info, self.enterprise_id)


@strawberry.type(
    description="The outcome of a credit decision: the enterprise now, and the event if its grade changed."
)
class CreditDecision:
    enterprise: Enterprise
    event: CreditEvent | None = strawberry.field(description="Null when the effective grade did not change.")
