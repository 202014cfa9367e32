"""GraphQL object types. Field names and types of contract/core.graphql are kept exactly."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from strawberry import Private
from strawberry.dataloader import DataLoader

from api.gql.context import Info
from api.gql.pacing import pacer
from graph import clock, contagion, credit, credit_feed, mass_balance, reviews, supervision, trace
from graph.clock import from_ms
from graph.errors import check_range
from graph.nodes import BatchNode, EnterpriseNode, LabNode, ProductNode, ShipmentNode, TestReportNode
from graph.nodes import TracedBatch as TracedNode
from graph.records import CreditGrade as CreditGradeValue
from graph.risk import port_control

if TYPE_CHECKING:
    from api.gql.credit_types import (
        BlacklistEntry,
        CreditEvent,
        DowngradeReview,
        Exposure,
        InspectionPlan,
        ReviewStatus,
        Tie,
    )
    from api.gql.risk_types import PortControlHit

MAX_PAGE = 1000
T = TypeVar("T")
_credit = strawberry.lazy("api.gql.credit_types")  # credit types refer back to Enterprise
_risk = strawberry.lazy("api.gql.risk_types")
First = Annotated[int, strawberry.argument(description="How many to return, 1..1000.")]


async def related(info: Info, name: str, parent: str, first: int) -> list:
    """A page of one-hop neighbours from a nav/ statement, batched with every parent of the same level."""
    check_range("first", first, 1, MAX_PAGE)
    return await counted(info, info.context.loaders.related(name, first), parent)


async def counted(info: Info, loader: DataLoader[str, list[T]], key: str) -> list[T]:
    """A list from a per-request loader, counted against the request's object cap (GRAPHQL_MAX_OBJECTS; empty once
    the cap is passed: the answer is then replaced by the cap's error, api/gql/object_cap.py)."""
    cap = info.context.objects
    if cap.exceeded is not None:
        return []
    found = await loader.load(key)
    if not cap.admits(len(found), info.path):
        return []
    if found:
        await pacer().turn(len(found))
    return found


CreditGrade = strawberry.enum(
    Enum("CreditGrade", {g.value: g.value for g in CreditGradeValue}),  # type: ignore[misc]
    description="Customs enterprise-credit grades, best first.",
)


@strawberry.type(description="An enterprise: manufacturer, importer, distributor, retailer, platform, ...")
class Enterprise:
    id: strawberry.ID
    name: str
    roles: list[str]
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2")
    credit_grade: CreditGrade  # type: ignore[valid-type]
    blacklisted: bool = strawberry.field(description="A blacklist listing is in force now.")
    region: str | None
    uscc: str | None = strawberry.field(description="Unified social credit code (GB 32100-2015).")

    @classmethod
    def of(cls, n: EnterpriseNode) -> Enterprise:
        return cls(
            id=strawberry.ID(n.id),
            name=n.name,
            roles=n.roles,
            country=n.country,
            credit_grade=CreditGrade[n.creditGrade],
            blacklisted=n.blacklisted,
            region=n.region,
            uscc=n.uscc,
            standing_grade=CreditGrade[n.standingGrade],
            declared_grade=CreditGrade[n.declaredGrade],
        )

    standing_grade: CreditGrade = strawberry.field(  # type: ignore[valid-type]
        description="The grade beneath any listing: declared, then changed by reviews and regulators."
    )
    declared_grade: CreditGrade = strawberry.field(  # type: ignore[valid-type]
        description="The grade the enterprise's record declares."
    )

    @strawberry.field(description="Changes of this enterprise's credit grade, newest first.")
    async def credit_history(self, info: Info, first: First = 20) -> list[Annotated[CreditEvent, _credit]]:
        from api.gql.credit_types import CreditEvent

        check_range("first", first, 1, MAX_PAGE)
        loader = info.context.loaders.keyed(
            f"credit_history:{first}", partial(credit_feed.history, info.context.graph, limit=first)
        )
        return [CreditEvent.of(e) for e in await counted(info, loader, self.id)]

    @strawberry.field(description="Blacklist listings against this enterprise, newest first (lifted ones too).")
    async def blacklist_entries(self, info: Info, first: First = 100) -> list[Annotated[BlacklistEntry, _credit]]:
        from api.gql.credit_types import BlacklistEntry

        check_range("first", first, 1, MAX_PAGE)
        loader = info.context.loaders.keyed(
            f"listings:{first}", partial(credit.listings_of, info.context.graph, limit=first)
        )
        now = clock.now_ms()
        return [BlacklistEntry.of(m, now) for m in await counted(info, loader, self.id)]

    @strawberry.field(description="Downgrade reviews of this enterprise, newest first; status filters them.")
    async def downgrade_reviews(
        self, info: Info, status: Annotated[ReviewStatus, _credit] | None = None, first: First = 20
    ) -> list[Annotated[DowngradeReview, _credit]]:
        from api.gql.credit_types import DowngradeReview

        check_range("first", first, 1, MAX_PAGE)
        wanted = reviews.ReviewStatus(status.value) if status else None
        loader = info.context.loaders.keyed(
            f"reviews:{wanted}:{first}",
            partial(reviews.of_enterprises, info.context.graph, limit=first, status=wanted),
        )
        return [DowngradeReview.of(r) for r in await counted(info, loader, self.id)]

    @strawberry.field(description="Its direct associations (contagion ties), strongest first.")
    async def ties(self, info: Info, first: First = 100) -> list[Annotated[Tie, _credit]]:
        from api.gql.credit_types import Tie

        found = await related(info, "enterprise_ties", self.id, first)
        return [Tie(other_id=o, kind=k, weight=w, via=v) for o, k, w, v in found]

    @strawberry.field(
        description="Its exposure to the blacklisted enterprises within 3 ties (null when none reaches it)."
    )
    async def exposure(self, info: Info) -> Annotated[Exposure, _credit] | None:
        from api.gql.credit_types import Exposure

        loader = info.context.loaders.keyed("exposure", partial(contagion.exposures_of, info.context.graph))
        found = await loader.load(self.id)
        return Exposure.of(found) if found else None

    @strawberry.field(description="Differentiated supervision: its inspection rate and the reasons for it.")
    async def inspection_plan(self, info: Info) -> Annotated[InspectionPlan, _credit]:
        from api.gql.credit_types import InspectionPlan

        loader = info.context.loaders.keyed(
            "inspection_plan", partial(supervision.inspection_plans, info.context.graph)
        )
        return InspectionPlan.of(await loader.load(self.id))

    @strawberry.field(description="Batches this enterprise produced, by batch id.")
    async def batches(self, info: Info, first: First = 100) -> list[Batch]:
        ids = await related(info, "enterprise_batches", self.id, first)
        return await load_batches(info, ids)

    @strawberry.field(description="Shipments this enterprise sent, by shippedAt then id.")
    async def shipments_out(self, info: Info, first: First = 100) -> list[Shipment]:
        found = await related(info, "enterprise_shipments_out", self.id, first)
        return [Shipment.of(s) for s in found]

    @strawberry.field(description="Shipments this enterprise received, by shippedAt then id.")
    async def shipments_in(self, info: Info, first: First = 100) -> list[Shipment]:
        found = await related(info, "enterprise_shipments_in", self.id, first)
        return [Shipment.of(s) for s in found]

    @strawberry.field(description="People tied to this enterprise, by person id then role.")
    async def people(self, info: Info, first: First = 100) -> list[PersonRole]:
        found = await related(info, "enterprise_people", self.id, first)
        return [PersonRole(person_id=strawberry.ID(p), name=n, role=r, share=s) for p, n, r, s in found]

    @strawberry.field(description="Shareholders (people and enterprises), largest share first.")
    async def owners(self, info: Info, first: First = 100) -> list[Owner]:
        found = await related(info, "enterprise_owners", self.id, first)
        return [Owner(holder_id=strawberry.ID(h), name=n, kind=k, share=s) for h, n, k, s in found]

    @strawberry.field(description="Enterprises this one holds shares of, largest share first.")
    async def holdings(self, info: Info, first: First = 100) -> list[Stake]:
        found = await related(info, "enterprise_holdings", self.id, first)
        enterprises = await load_enterprises(info, [e for e, _ in found])
        return [Stake(enterprise=e, share=s) for e, (_, s) in zip(enterprises, found, strict=True)]


@strawberry.type(description="A person tied to an enterprise: LEGAL_REPRESENTATIVE_OF, OFFICER_OF or SHAREHOLDER_OF.")
class PersonRole:
    person_id: strawberry.ID
    name: str
    role: str
    share: float | None


@strawberry.type(description="A shareholder of an enterprise; kind is PERSON or ENTERPRISE.")
class Owner:
    holder_id: strawberry.ID
    name: str
    kind: str
    share: float


@strawberry.type(description="A share held in another enterprise.")
class Stake:
    enterprise: Enterprise
    share: float


@strawberry.type(description="A product: GTIN or SKU, with its HS code and category.")
class Product:
    id: strawberry.ID
    name: str
    hs_code: str
    category: str
    brand: str | None

    @classmethod
    def of(cls, n: ProductNode) -> Product:
        return cls(id=strawberry.ID(n.id), name=n.name, hs_code=n.hsCode, category=n.category, brand=n.brand)

    @strawberry.field(description="Batches of this product, by batch id.")
    async def batches(self, info: Info, first: First = 100) -> list[Batch]:
        ids = await related(info, "product_batches", self.id, first)
        return await load_batches(info, ids)


@strawberry.type(description="A batch (lot) of a product, made by one producer, possibly from input lots.")
class Batch:
    id: strawberry.ID
    quantity: float
    unit: str
    produced_at: str
    origin_country: str | None
    product_id: Private[str]
    producer_id: Private[str]

    @classmethod
    def of(cls, n: BatchNode) -> Batch:
        return cls(
            id=strawberry.ID(n.id),
            quantity=n.quantity,
            unit=n.unit,
            produced_at=n.producedAt,
            origin_country=n.originCountry,
            product_id=n.product,
            producer_id=n.producer,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product:
        return Product.of(await info.context.loaders.product.load(self.product_id))

    @strawberry.field
    async def producer(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.producer_id))

    @strawberry.field(description="The lots this batch was made from (one hop upstream), by batch id.")
    async def inputs(self, info: Info, first: First = 100) -> list[BatchUse]:
        found = await related(info, "batch_inputs", self.id, first)
        return await load_uses(info, found)

    @strawberry.field(description="The lots this batch went into (one hop downstream), by batch id.")
    async def outputs(self, info: Info, first: First = 100) -> list[BatchUse]:
        found = await related(info, "batch_outputs", self.id, first)
        return await load_uses(info, found)

    @strawberry.field(description="Shipments that carried this batch, by shippedAt then id.")
    async def shipments(self, info: Info, first: First = 100) -> list[Shipment]:
        found = await related(info, "batch_shipments", self.id, first)
        return [Shipment.of(s) for s in found]

    @strawberry.field(description="Test reports on this batch, by testedAt then id.")
    async def test_reports(self, info: Info, first: First = 100) -> list[TestReport]:
        found = await related(info, "batch_test_reports", self.id, first)
        return [TestReport.of(r) for r in found]

    @strawberry.field(
        description="Every party that shipped and used more of this batch than it produced and received "
        "(shipped + used > produced + received), by enterprise id: inconsistent records, a risk signal."
    )
    async def mass_balance_issues(self, info: Info) -> list[MassBalanceIssue]:
        return await load_mass_balance_issues(info, [self.id])


@strawberry.type(description="An input or output lot and the quantity of the input used.")
class BatchUse:
    batch: Batch
    quantity: float | None


@strawberry.type(
    description="A party's flows of one batch that do not balance: it shipped and used more than it produced and "
    "received. All quantities in the batch's unit."
)
class MassBalanceIssue:
    produced: float = strawberry.field(description="The batch's quantity if the enterprise produced it, else 0.")
    received: float = strawberry.field(description="Sum of the shipments of the batch to the enterprise.")
    shipped: float = strawberry.field(description="Sum of the shipments of the batch from the enterprise.")
    used: float = strawberry.field(description="INPUT_TO quantities of the batch into lots the enterprise produced.")
    unit: str
    enterprise_id: Private[str]
    batch_id: Private[str]

    @classmethod
    def of(cls, i: mass_balance.MassBalanceIssue) -> MassBalanceIssue:
        return cls(
            produced=i.produced,
            received=i.received,
            shipped=i.shipped,
            used=i.used,
            unit=i.unit,
            enterprise_id=i.enterprise,
            batch_id=i.batch,
        )

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.enterprise_id))

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await info.context.loaders.batch.load(self.batch_id))


@strawberry.type
class TracedBatch:
    batch: Batch
    depth: int = strawberry.field(description="Length of the shortest INPUT_TO path between this batch and the start.")

    @classmethod
    def of(cls, t: TracedNode) -> TracedBatch:
        return cls(batch=Batch.of(t.batch), depth=t.depth)

    @strawberry.field(
        description="The shipments that carried this batch, by shippedAt then id (one query for every traced "
        "batch of the answer)."
    )
    async def shipments(self, info: Info) -> list[Shipment]:
        loader = info.context.loaders.keyed("traced_shipments", partial(trace.shipments_of, info.context.graph))
        return [Shipment.of(s) for s in await loader.load(self.batch.id)]


@strawberry.type(description="Goods moved from one enterprise to another.")
class Shipment:
    id: strawberry.ID
    quantity: float
    shipped_at: str
    direction: str = strawberry.field(description="IMPORT, EXPORT or DOMESTIC")
    port: str | None = strawberry.field(description="UN/LOCODE")
    declaration: str | None
    batch_id: Private[str]
    from_id: Private[str]
    to_id: Private[str]

    @classmethod
    def of(cls, n: ShipmentNode) -> Shipment:
        return cls(
            id=strawberry.ID(n.id),
            quantity=n.quantity,
            shipped_at=n.shippedAt,
            direction=n.direction,
            port=n.port,
            declaration=n.declaration,
            batch_id=n.batch,
            from_id=n.from_,
            to_id=n.to,
        )

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await info.context.loaders.batch.load(self.batch_id))

    @strawberry.field(description="Warnings that were in force when it was shipped and whose targets match it.")
    async def port_control_hits(self, info: Info) -> list[Annotated[PortControlHit, _risk]]:
        from api.gql.risk_types import PortControlHit

        loader = info.context.loaders.keyed("shipment_hits", partial(port_control.shipment_hits, info.context.graph))
        return [PortControlHit.of(h) for h in await counted(info, loader, self.id)]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.from_id))

    @strawberry.field
    async def to(self, info: Info) -> Enterprise:
        return Enterprise.of(await info.context.loaders.enterprise.load(self.to_id))


@strawberry.type(description="A testing laboratory; only recognised labs' results count as recognised results.")
class Lab:
    id: strawberry.ID
    name: str
    accreditation: str | None
    recognized: bool
    status: str = strawberry.field(description="ACTIVE, SUSPENDED or REVOKED")

    @classmethod
    def of(cls, n: LabNode) -> Lab:
        return cls(
            id=strawberry.ID(n.id),
            name=n.name,
            accreditation=n.accreditation,
            recognized=n.recognized,
            status=n.status,
            history=n.history,
        )

    history: Private[tuple[tuple[str, int], ...]]

    @strawberry.field(description="Its statuses, oldest first, each with the moment it took effect.")
    def status_history(self) -> list[LabStatusPeriod]:
        return [LabStatusPeriod(status=st, since=from_ms(ms)) for st, ms in self.history]

    @strawberry.field(description="Reports this lab issued, by testedAt then id.")
    async def reports(self, info: Info, first: First = 100) -> list[TestReport]:
        found = await related(info, "lab_reports", self.id, first)
        return [TestReport.of(r) for r in found]


@strawberry.type
class LabStatusPeriod:
    status: str
    since: datetime


@strawberry.type
class TestItem:
    name: str
    value: str | None
    limit: str | None
    unit: str | None
    passed: bool | None


@strawberry.type(description="A lab's test report on a batch.")
class TestReport:
    id: strawberry.ID
    result: str = strawberry.field(description="PASS or FAIL")
    tested_at: str
    items: list[TestItem]
    lab_id: Private[str]
    batch_id: Private[str]

    @classmethod
    def of(cls, n: TestReportNode) -> TestReport:
        items = [TestItem(name=i.name, value=i.value, limit=i.limit, unit=i.unit, passed=i.passed) for i in n.items]
        return cls(
            id=strawberry.ID(n.id), result=n.result, tested_at=n.testedAt, items=items, lab_id=n.lab, batch_id=n.batch
        )

    @strawberry.field
    async def lab(self, info: Info) -> Lab:
        return Lab.of(await info.context.loaders.lab.load(self.lab_id))

    @strawberry.field(
        description="Whether it counts as a recognised third-party result today: its lab is recognised and "
        "ACTIVE, and was not suspended or revoked when it tested."
    )
    async def recognised(self, info: Info) -> bool:
        return supervision.recognition(await info.context.loaders.lab.load(self.lab_id), self.tested_at).recognised

    @strawberry.field(description="Flag: the lab was SUSPENDED or REVOKED on testedAt.")
    async def issued_while_suspended(self, info: Info) -> bool:
        lab = await info.context.loaders.lab.load(self.lab_id)
        return supervision.recognition(lab, self.tested_at).issued_while_suspended

    @strawberry.field(description="Why the report counts as a recognised result or not.")
    async def recognition_note(self, info: Info) -> str:
        return supervision.recognition(await info.context.loaders.lab.load(self.lab_id), self.tested_at).reason

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await info.context.loaders.batch.load(self.batch_id))


async def load_batches(info: Info, ids: list[str]) -> list[Batch]:
    return [Batch.of(b) for b in await info.context.loaders.batch.load_many(ids) if b is not None]


async def load_enterprises(info: Info, ids: list[str]) -> list[Enterprise]:
    return [Enterprise.of(e) for e in await info.context.loaders.enterprise.load_many(ids) if e is not None]


async def load_uses(info: Info, found: list[tuple[str, float | None]]) -> list[BatchUse]:
    batches = await info.context.loaders.batch.load_many([b for b, _ in found])
    return [BatchUse(batch=Batch.of(b), quantity=q) for b, (_, q) in zip(batches, found, strict=True) if b]


async def load_mass_balance_issues(info: Info, batch_ids: list[str]) -> list[MassBalanceIssue]:
    """The issues of the batches, in their order (each batch's by enterprise id): one query per request."""
    loader = info.context.loaders.keyed("mass_balance", partial(mass_balance.of_batches, info.context.graph))
    return [MassBalanceIssue.of(i) for found in await loader.load_many(batch_ids) for i in found]


def traced(items: list[TracedNode]) -> list[TracedBatch]:
    return [TracedBatch.of(t) for t in items]
