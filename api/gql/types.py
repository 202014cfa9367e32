"""GraphQL object types of the core. Field names and types of contract/core.graphql are kept exactly.

How every GraphQL type of the service is built, one pattern per situation:

- A type that shows a read model (graph/read_model.py) extends it: `class Batch(View, BatchNode)`. The read
  model's fields are the type's, in its order; the type re-declares only what it shows otherwise (`id` as an ID, a
  field with a description, a nested read model as its GraphQL type, a reference as `Private`), adds its resolvers,
  and is built with `Batch.of(node)` (api/gql/view.py); a type with nested read models builds them in its own `of`.
- A type that computes what it shows from a domain value wraps the value, `value: Private[rw.RiskWarning]`, with a
  resolver per field, so that nothing is computed that a query does not ask for (Exposure, Warning, Recall).
- A type that composes others (a trace, a recall scope, the answer to a decision) is a plain type, built where
  the operation answers it.

Enums are the domain's own classes (api/gql/enums.py). A capability's fields on a core type (credit's on
Enterprise, risk's on Shipment) are a mixin the capability owns and the core type extends; capability types refer
back to core types lazily (api/gql/view.py). Navigation fields go through one nav/ statement per field, batched
for every parent of a level, and each has a paged twin, `<field>Page`, that also takes a cursor (`nav_fields`).
Fields come before methods.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, Self

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from api.gql.context import Info
from api.gql.credit_types import EnterpriseCreditFields
from api.gql.enums import CreditGrade
from api.gql.risk_types import ShipmentRiskFields
from api.gql.view import View, found, nav_fields
from graph import mass_balance, nodes, supervision, trace
from graph.clock import from_ms
from graph.epcis import lots as epcis_lots


@strawberry.type(description="A person tied to an enterprise: LEGAL_REPRESENTATIVE_OF, OFFICER_OF or SHAREHOLDER_OF.")
class PersonRole(View, nodes.PersonRole):
    person_id: strawberry.ID


@strawberry.type(description="A shareholder of an enterprise; kind is PERSON or ENTERPRISE.")
class Owner(View, nodes.Owner):
    holder_id: strawberry.ID


@strawberry.type(description="A share held in another enterprise.")
class Stake:
    enterprise: Enterprise
    share: float


@strawberry.type
class TestItem(View, nodes.TestItemValue):
    pass


@strawberry.type(description="A lab's test report on a batch.")
class TestReport(View, nodes.TestReportNode):
    id: strawberry.ID
    result: str = strawberry.field(description="PASS or FAIL")
    items: tuple[TestItem, ...]
    lab_id: Private[str]
    batch_id: Private[str]

    @classmethod
    def of(cls, value: nodes.TestReportNode, **more: Any) -> Self:
        return super().of(value, items=tuple(TestItem.of(i) for i in value.items), **more)

    @strawberry.field
    async def lab(self, info: Info) -> Lab:
        return Lab.of(await found(info.context.loaders.lab, self.lab_id, "lab"))

    @strawberry.field(
        description="Whether it counts as a recognised third-party result today: its lab is recognised and "
        "ACTIVE, and was not suspended or revoked when it tested."
    )
    async def recognised(self, info: Info) -> bool:
        return (await self._recognition(info)).recognised

    @strawberry.field(description="Flag: the lab was SUSPENDED or REVOKED on testedAt.")
    async def issued_while_suspended(self, info: Info) -> bool:
        return (await self._recognition(info)).issued_while_suspended

    @strawberry.field(description="Why the report counts as a recognised result or not.")
    async def recognition_note(self, info: Info) -> str:
        return (await self._recognition(info)).reason

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await found(info.context.loaders.batch, self.batch_id, "batch"))

    async def _recognition(self, info: Info) -> supervision.Recognition:
        return supervision.recognition(await found(info.context.loaders.lab, self.lab_id, "lab"), self.tested_at)


@strawberry.type
class LabStatusPeriod:
    status: str
    since: datetime


@strawberry.type(description="A testing laboratory; only recognised labs' results count as recognised results.")
class Lab(View, nodes.LabNode):
    id: strawberry.ID
    status: str = strawberry.field(description="ACTIVE, SUSPENDED or REVOKED")
    history: Private[tuple[tuple[str, int], ...]]

    @strawberry.field(description="Its statuses, oldest first, each with the moment it took effect.")
    def status_history(self) -> list[LabStatusPeriod]:
        return [LabStatusPeriod(status=st, since=from_ms(ms)) for st, ms in self.history]

    reports, reports_page = nav_fields("lab_reports", "Reports this lab issued, by testedAt then id.", of=TestReport)


@strawberry.type
class ShipmentFields(View, nodes.ShipmentNode):
    """The shipment's read model as GraphQL fields: a typed base of Shipment, so that they come before risk's
    (Strawberry lists the fields of a type's typed bases first, base by base)."""

    id: strawberry.ID
    direction: str = strawberry.field(description="IMPORT, EXPORT or DOMESTIC")
    port: str | None = strawberry.field(description="UN/LOCODE")
    batch_id: Private[str]
    from_id: Private[str]
    to_id: Private[str]


@strawberry.type(description="Goods moved from one enterprise to another.")
class Shipment(ShipmentFields, ShipmentRiskFields):
    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await found(info.context.loaders.batch, self.batch_id, "batch"))

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Enterprise:
        return Enterprise.of(await found(info.context.loaders.enterprise, self.from_id, "enterprise"))

    @strawberry.field
    async def to(self, info: Info) -> Enterprise:
        return Enterprise.of(await found(info.context.loaders.enterprise, self.to_id, "enterprise"))


@strawberry.type(description="An input or output lot and the quantity of the input used.")
class BatchUse:
    batch: Batch
    quantity: float | None


@strawberry.type(
    description="A party's flows of one batch that do not balance: it shipped and used more than it produced and "
    "received. All quantities in the batch's unit."
)
class MassBalanceIssue(View, mass_balance.MassBalanceIssue):
    produced: float = strawberry.field(description="The batch's quantity if the enterprise produced it, else 0.")
    received: float = strawberry.field(description="Sum of the shipments of the batch to the enterprise.")
    shipped: float = strawberry.field(description="Sum of the shipments of the batch from the enterprise.")
    used: float = strawberry.field(description="INPUT_TO quantities of the batch into lots the enterprise produced.")
    enterprise_id: Private[str]
    batch_id: Private[str]

    @strawberry.field
    async def enterprise(self, info: Info) -> Enterprise:
        return Enterprise.of(await found(info.context.loaders.enterprise, self.enterprise_id, "enterprise"))

    @strawberry.field
    async def batch(self, info: Info) -> Batch:
        return Batch.of(await found(info.context.loaders.batch, self.batch_id, "batch"))


async def load_batches(info: Info, ids: list[str]) -> list[Batch]:
    return [Batch.of(b) for b in await info.context.loaders.batch.load_many(ids) if b is not None]


async def load_enterprises(info: Info, ids: list[str]) -> list[Enterprise]:
    return [Enterprise.of(e) for e in await info.context.loaders.enterprise.load_many(ids) if e is not None]


async def load_uses(info: Info, uses: list[nodes.Use]) -> list[BatchUse]:
    batches = await info.context.loaders.batch.load_many([u.batch_id for u in uses])
    return [BatchUse(batch=Batch.of(b), quantity=u.quantity) for b, u in zip(batches, uses, strict=True) if b]


async def load_mass_balance_issues(info: Info, batch_ids: list[str]) -> list[MassBalanceIssue]:
    """The issues of the batches, in their order (each batch's by enterprise id): one query per request."""
    loader = info.context.loaders.keyed("mass_balance", partial(mass_balance.of_batches, info.context.graph))
    return [MassBalanceIssue.of(i) for issues in await loader.load_many(batch_ids) for i in issues]


async def load_stakes(info: Info, stakes: list[nodes.Stake]) -> list[Stake]:
    enterprises = await info.context.loaders.enterprise.load_many([s.enterprise_id for s in stakes])
    return [Stake(enterprise=Enterprise.of(e), share=s.share) for e, s in zip(enterprises, stakes, strict=True) if e]


@strawberry.type(description="A batch (lot) of a product, made by one producer, possibly from input lots.")
class Batch(View, nodes.BatchNode):
    id: strawberry.ID
    product_id: Private[str]
    producer_id: Private[str]

    @strawberry.field
    async def product(self, info: Info) -> Product:
        return Product.of(await found(info.context.loaders.product, self.product_id, "product"))

    @strawberry.field
    async def producer(self, info: Info) -> Enterprise:
        return Enterprise.of(await found(info.context.loaders.enterprise, self.producer_id, "enterprise"))

    inputs, inputs_page = nav_fields(
        "batch_inputs",
        "The lots this batch was made from (one hop upstream), by batch id.",
        load=load_uses,
        returns=list[BatchUse],
    )
    outputs, outputs_page = nav_fields(
        "batch_outputs",
        "The lots this batch went into (one hop downstream), by batch id.",
        load=load_uses,
        returns=list[BatchUse],
    )
    shipments, shipments_page = nav_fields(
        "batch_shipments", "Shipments that carried this batch, by shippedAt then id.", of=Shipment
    )
    test_reports, test_reports_page = nav_fields(
        "batch_test_reports", "Test reports on this batch, by testedAt then id.", of=TestReport
    )

    @strawberry.field(
        description="Every party that shipped and used more of this batch than it produced and received "
        "(shipped + used > produced + received), by enterprise id: inconsistent records, a risk signal."
    )
    async def mass_balance_issues(self, info: Info) -> list[MassBalanceIssue]:
        return await load_mass_balance_issues(info, [self.id])

    @strawberry.field(
        graphql_type=list[JSON],
        description="The EPCIS 2.0 events captured about this lot (naming it, or its instances), as captured with "
        "their recordTime, by eventTime then eventID; at most 1000. Empty for a lot that arrived as records.",
    )
    async def epcis_events(self, info: Info) -> list[dict[str, Any]]:
        return await epcis_lots.lot_events(info.context.graph, self.id)


@strawberry.type
class TracedBatch:
    batch: Batch
    depth: int = strawberry.field(description="Length of the shortest INPUT_TO path between this batch and the start.")

    @classmethod
    def of(cls, t: nodes.TracedBatch) -> TracedBatch:
        return cls(batch=Batch.of(t.batch), depth=t.depth)

    @strawberry.field(
        description="The shipments that carried this batch, by shippedAt then id (one query for every traced "
        "batch of the answer)."
    )
    async def shipments(self, info: Info) -> list[Shipment]:
        loader = info.context.loaders.keyed("traced_shipments", partial(trace.shipments_of, info.context.graph))
        return [Shipment.of(s) for s in await loader.load(self.batch.id)]


@strawberry.type(description="A product: GTIN or SKU, with its HS code and category.")
class Product(View, nodes.ProductNode):
    id: strawberry.ID

    batches, batches_page = nav_fields(
        "product_batches", "Batches of this product, by batch id.", load=load_batches, returns=list[Batch]
    )


@strawberry.type
class EnterpriseFields(View, nodes.EnterpriseNode):
    """The enterprise's read model as GraphQL fields: a typed base of Enterprise, so that they come before the
    credit network's (Strawberry lists the fields of a type's typed bases first, base by base)."""

    id: strawberry.ID
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2")
    blacklisted: bool = strawberry.field(description="A blacklist listing is in force now.")
    uscc: str | None = strawberry.field(description="Unified social credit code (GB 32100-2015).")
    standing_grade: CreditGrade = strawberry.field(
        description="The grade beneath any listing: declared, then changed by reviews and regulators."
    )
    declared_grade: CreditGrade = strawberry.field(description="The grade the enterprise's record declares.")


@strawberry.type(description="An enterprise: manufacturer, importer, distributor, retailer, platform, ...")
class Enterprise(EnterpriseFields, EnterpriseCreditFields):
    @classmethod
    def by_id(cls, enterprise_id: str) -> Self:
        """An enterprise of which the query reads only the id (api/gql/view.py reads_only_ids): not looked up,
        since the id came from the graph's own relationships. Its other fields are not set: none is read."""
        enterprise = cls.__new__(cls)
        enterprise.id = strawberry.ID(enterprise_id)
        return enterprise

    batches, batches_page = nav_fields(
        "enterprise_batches", "Batches this enterprise produced, by batch id.", load=load_batches, returns=list[Batch]
    )
    shipments_out, shipments_out_page = nav_fields(
        "enterprise_shipments_out", "Shipments this enterprise sent, by shippedAt then id.", of=Shipment
    )
    shipments_in, shipments_in_page = nav_fields(
        "enterprise_shipments_in", "Shipments this enterprise received, by shippedAt then id.", of=Shipment
    )
    people, people_page = nav_fields(
        "enterprise_people", "People tied to this enterprise, by person id then role.", of=PersonRole
    )
    owners, owners_page = nav_fields(
        "enterprise_owners", "Shareholders (people and enterprises), largest share first, then by holder id.", of=Owner
    )
    holdings, holdings_page = nav_fields(
        "enterprise_holdings",
        "Enterprises this one holds shares of, largest share first, then by id.",
        load=load_stakes,
        returns=list[Stake],
    )
