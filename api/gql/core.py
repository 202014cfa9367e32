"""contract/core.graphql operations: lookups, traceBack, recallScope, importRecords."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Self

import strawberry
from strawberry import Private

from api.gql.context import Info
from api.gql.types import Batch, Enterprise, Lab, Product, Shipment, TracedBatch
from api.gql.view import After, First, Page, View, found_all, reads_only_ids, shown
from graph import answer_pages, imports, ingest, lookup, recall_pages, recall_scope
from graph import trace as trace_
from graph.epcis import lots as epcis_lots
from graph.errors import BadInput, NotFound
from graph.ingest.parties import parties_of
from graph.nodes import BatchNode


@strawberry.type(description="An INPUT_TO edge: input was used to make output.")
class BatchEdge:
    input: Batch
    output: Batch
    quantity: float | None = strawberry.field(description="In the input's unit; null when not recorded.")
    unit: str = strawberry.field(description="The input batch's unit.")


def edges_between(found: Iterable[trace_.BatchEdge], batches: Iterable[BatchNode]) -> list[BatchEdge]:
    """The edges of an answer, their ends taken from the batches the answer already holds (no lookup)."""
    by_id = {b.id: Batch.of(b) for b in batches}
    return [BatchEdge(input=by_id[e.input], output=by_id[e.output], quantity=e.quantity, unit=e.unit) for e in found]


# --- answer pages (issue 15 item 3): a traversal's answer a page at a time (graph/answer_pages.py) --------------------
_PAGED = (
    "Pass endCursor as after for the next page: every item is shown once, none skipped, also when records are "
    "written between pages (the answer is computed again for each page)."
)


def _admits(info: Info, items: list[Any]) -> bool:
    """Count a page's items against the request's object cap (api/gql/object_cap.py), as the navigation pages do."""
    cap = info.context.objects
    return cap.exceeded is None and cap.admits(len(items), info.path)


def _page(info: Info, page: lookup.NavPage[Any], items: list[Any]) -> Page[Any]:
    if not items and page.items:  # over the object cap: the request answers its error
        return Page(items=[], end_cursor=None, has_next_page=False)
    return Page(items=items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)


# --- end answer pages


@strawberry.type(description="Where a lot came from: upstream lots by depth then id, and the root's custody chain.")
class Trace:
    root: Batch
    upstream: list[TracedBatch]
    custody: list[Shipment]
    found: Private[trace_.Trace]

    @strawberry.field(
        description="Every INPUT_TO edge whose two ends are in {root} + upstream, by output id, then input id "
        "(read only when asked for)."
    )
    async def edges(self, info: Info) -> list[BatchEdge]:
        return edges_between(await trace_.trace_edges(info.context.graph, self.found), self.found.batches)

    # --- answer pages (issue 15 item 3): the upstream of a deep trace a page at a time
    @strawberry.field(description=f"upstream a page at a time, by depth then batch id. {_PAGED}")
    async def upstream_page(self, info: Info, first: First = 100, after: After = None) -> Page[TracedBatch]:
        page = answer_pages.upstream_page(self.found.upstream, first, after)
        return _page(info, page, [TracedBatch.of(u) for u in page.items] if _admits(info, page.items) else [])


@strawberry.type
class Holding(View, recall_scope.Holding):
    batch: Batch
    quantity: float = strawberry.field(description="Sum of the shipments of this batch to this consignee.")
    forwarded: float = strawberry.field(description="Sum of the shipments of this batch from this consignee.")
    used: float = strawberry.field(description="INPUT_TO quantities of this batch into lots this consignee produced.")
    shipments: int = strawberry.field(description="How many shipments make up the quantity.")
    depth: Private[int]
    carried: Private[tuple[recall_scope.Carried, ...]]

    unit_ = shown(recall_scope.Holding.unit)
    on_hand_ = shown(
        recall_scope.Holding.on_hand,
        "max(0, quantity - forwarded - used): what it still holds, what a recall must recover.",
    )

    @classmethod
    def of(cls, value: recall_scope.Holding, **more: Any) -> Self:
        return super().of(value, batch=Batch.of(value.batch), **more)


@strawberry.type
class Consignee:
    enterprise: Enterprise
    holdings: list[Holding] = strawberry.field(description="By batch id.")


class Whole:
    """The whole recall scope, read once however many of the type's fields ask for it (they resolve
    concurrently)."""

    def __init__(self, read: Callable[[], Awaitable[recall_scope.RecallScope]]):
        self._read = read
        self._task: asyncio.Task[recall_scope.RecallScope] | None = None

    def get(self) -> asyncio.Task[recall_scope.RecallScope]:
        if self._task is None:
            self._task = asyncio.ensure_future(self._read())
        return self._task


@strawberry.type(description="What a recall of the sources reaches: affected lots and who holds them.")
class RecallScope:
    """The whole scope is read once, by the first field that needs it (affectedBatches, consignees, edges,
    consigneesPage); a page of the affected lots reads its own slice from the graph (graph/recall_pages.py), so
    paging a super-spreader's 50 000 lots does not read and build every lot for each page."""

    wanted: Private[list[str]]  # the checked sources (recall_scope.asked_sources)
    max_depth: Private[int]
    whole: Private[Whole]

    @strawberry.field
    async def sources(self, info: Info) -> list[Batch]:
        found = await info.context.loaders.batch.load_many(self.wanted)
        missing = [i for i, b in zip(self.wanted, found, strict=True) if b is None]
        if missing:
            raise NotFound("batch", missing[0], "batchIds")
        return [Batch.of(b) for b in found if b is not None]

    @strawberry.field(description="By depth, then batch id.")
    async def affected_batches(self) -> list[TracedBatch]:
        return [TracedBatch.of(a) for a in (await self.whole.get()).affected]

    @strawberry.field(description="By enterprise id.")
    async def consignees(self, info: Info) -> list[Consignee]:
        return await _consignees(info, (await self.whole.get()).consignees)

    @strawberry.field(description="Every INPUT_TO edge whose two ends are affected, by output id, then input id.")
    async def edges(self) -> list[BatchEdge]:
        found = await self.whole.get()
        return edges_between(found.edges, (t.batch for t in found.affected))

    # --- answer pages (issue 15 item 3): a super-spreader's tens of thousands of lots, thousands of consignees
    @strawberry.field(description=f"affectedBatches a page at a time, by depth then batch id. {_PAGED}")
    async def affected_batches_page(self, info: Info, first: First = 100, after: After = None) -> Page[TracedBatch]:
        page = await recall_pages.affected_page(info.context.graph, self.wanted, self.max_depth, first, after)
        return _page(info, page, [TracedBatch.of(a) for a in page.items] if _admits(info, page.items) else [])

    @strawberry.field(description=f"consignees a page at a time, by enterprise id. {_PAGED}")
    async def consignees_page(self, info: Info, first: First = 100, after: After = None) -> Page[Consignee]:
        page = answer_pages.consignees_page((await self.whole.get()).consignees, first, after)
        return _page(info, page, await _consignees(info, page.items, "items") if _admits(info, page.items) else [])


@strawberry.type(name="ImportError")  # the contract's name; ImportIssue in Python, not the builtin
class ImportIssue:
    line: int
    field: str | None
    message: str


@strawberry.type(description="Records of one type: created, updated, unchanged.")
class ImportTypeCount:
    type: str
    created: int
    updated: int
    unchanged: int


@strawberry.type
class ImportReport:
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportIssue] = strawberry.field(description="At most 1000; errorCount has the total.")
    error_count: int
    by_type: list[ImportTypeCount]

    @classmethod
    def of(cls, r: ingest.ImportReport) -> ImportReport:
        return cls(
            ok=r.ok,
            created=r.created,
            updated=r.updated,
            unchanged=r.unchanged,
            error_count=r.error_count,
            errors=[ImportIssue(line=e.line, field=e.field, message=e.message) for e in r.errors],
            by_type=[
                ImportTypeCount(type=t, created=c.created, updated=c.updated, unchanged=c.unchanged)
                for t, c in r.by_type.items()
            ],
        )


async def _consignees(info: Info, found: list[recall_scope.Consignee], *path: str) -> list[Consignee]:
    """The consignees as GraphQL objects; `path` leads from the field being resolved to the consignee objects."""
    ids = [c.enterprise_id for c in found]
    if reads_only_ids(info, *path, "enterprise"):  # a lookup of every consignee for nothing but its id
        enterprises = [Enterprise.by_id(i) for i in ids]
    else:
        enterprises = [Enterprise.of(e) for e in await found_all(info.context.loaders.enterprise, ids, "enterprise")]
    return [
        Consignee(enterprise=e, holdings=[Holding.of(h) for h in c.holdings])
        for c, e in zip(found, enterprises, strict=True)
    ]


@strawberry.type
class CoreQuery:
    @strawberry.field(description="A batch by id; null when unknown.")
    async def batch(self, info: Info, id: strawberry.ID) -> Batch | None:
        (batch_id,) = await epcis_lots.canonical_lot_ids(info.context.graph, [id])  # any form of a lot
        found = await info.context.loaders.batch.load(batch_id)
        return Batch.of(found) if found else None

    @strawberry.field(description="An enterprise by id; null when unknown.")
    async def enterprise(self, info: Info, id: strawberry.ID) -> Enterprise | None:
        found = await info.context.loaders.enterprise.load(id)
        return Enterprise.of(found) if found else None

    @strawberry.field(description="A product by id; null when unknown.")
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        found = await info.context.loaders.product.load(id)
        return Product.of(found) if found else None

    @strawberry.field(description="A shipment by id; null when unknown.")
    async def shipment(self, info: Info, id: strawberry.ID) -> Shipment | None:
        found = (await lookup.shipments(info.context.graph, [id]))[0]
        return Shipment.of(found) if found else None

    @strawberry.field(description="A lab by id; null when unknown.")
    async def lab(self, info: Info, id: strawberry.ID) -> Lab | None:
        found = await info.context.loaders.lab.load(id)
        return Lab.of(found) if found else None

    @strawberry.field(
        description="Every batch upstream of batchId within maxDepth (1..50) INPUT_TO hops, at its "
        "shortest depth, ordered by depth then id; custody: the shipments that carried it."
    )
    async def trace_back(self, info: Info, batch_id: strawberry.ID, max_depth: int = 10) -> Trace:
        (root,) = await epcis_lots.canonical_lot_ids(info.context.graph, [batch_id])  # any form of a lot
        t = await trace_.trace_back(info.context.graph, root, max_depth)
        return Trace(
            root=Batch.of(t.root),
            upstream=[TracedBatch.of(u) for u in t.upstream],
            custody=[Shipment.of(s) for s in t.custody],
            found=t,
        )

    @strawberry.field(
        description="The sources and every batch downstream of one within maxDepth (1..50), and "
        "every consignee of an affected batch with its holdings."
    )
    async def recall_scope(self, info: Info, batch_ids: list[strawberry.ID], max_depth: int = 10) -> RecallScope:
        canonical = await epcis_lots.canonical_lot_ids(info.context.graph, list(batch_ids))  # any form of a lot
        wanted = recall_scope.asked_sources(canonical, max_depth)
        graph = info.context.graph
        return RecallScope(
            wanted=wanted,
            max_depth=max_depth,
            whole=Whole(lambda: recall_scope.recall_scope(graph, wanted, max_depth)),
        )


@strawberry.type
class CoreMutation:
    @strawberry.mutation(
        description="Import records of contract/RECORDS.md as NDJSON text: all or nothing, "
        "idempotent, errors with line numbers. Same semantics as `tracegraph import`."
    )
    async def import_records(self, info: Info, ndjson: str) -> ImportReport:
        limit = info.context.graph.settings.import_max_bytes
        if len(ndjson.encode()) > limit:
            raise BadInput("ndjson", f"larger than {limit} bytes; use the bulk import command for big files")
        parties = parties_of(info.context.principal) if info.context.principal else frozenset()
        lines = ingest.ndjson_lines(ndjson)
        report = await imports.import_lines(info.context.graph, lines, parties=parties, supplied_by=info.context.actor)
        return ImportReport.of(report)
