"""Search for investigators (graph/search.py): pages of enterprises, persons, batches and shipments, and a person
with the enterprises it sits in. The pages (EnterprisePage, ...) list the existing Enterprise / Batch / Shipment
types."""

from __future__ import annotations

from enum import Enum
from functools import partial
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader

from api.gql.context import Info
from api.gql.types import Batch, Enterprise, Shipment, load_batches, load_enterprises
from api.gql.view import After, First, Page, View
from graph import lookup, search
from graph.errors import check_range

Text = Annotated[str, strawberry.argument(description="Not blank; at most 200 characters.")]


@strawberry.enum(description="How a person sits in an enterprise.")
class SeatRole(Enum):
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    OFFICER = "OFFICER"
    SHAREHOLDER = "SHAREHOLDER"


@strawberry.type(description="An enterprise a person sits in, and how (share: for a SHAREHOLDER, 0..1).")
class PersonSeat:
    enterprise: Enterprise
    role: SeatRole
    share: float | None


@strawberry.type(description="A natural person: legal representative, officer or shareholder of enterprises.")
class Person(View, search.PersonRecord):
    id: strawberry.ID
    seats: strawberry.Private[list[search.PersonSeat]]

    @strawberry.field(description="The enterprises this person sits in, by enterprise id then role.")
    async def enterprises(self, info: Info, first: First = 100) -> list[PersonSeat]:
        check_range("first", first, 1, search.MAX_PAGE)
        seats = self.seats[:first]
        if not info.context.objects.admits(len(seats), info.path):
            return []
        found = await load_enterprises(info, [s.enterprise_id for s in seats])
        return [
            PersonSeat(enterprise=e, role=SeatRole(s.role), share=s.share) for e, s in zip(found, seats, strict=True)
        ]


def _persons_loader(info: Info) -> DataLoader[str, search.PersonRecord | None]:
    return info.context.loaders.keyed(
        "persons", partial(search.persons_by_id, info.context.graph, limit=search.MAX_PAGE)
    )


def _admitted(info: Info, ids: list[str]) -> list[str]:
    """The ids, counted against the request's object cap (none once it is passed)."""
    return ids if info.context.objects.admits(len(ids), info.path) else []


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Enterprises whose name contains text (Chinese: any run of characters; Latin: in any case), "
        "whose USCC is text, or whose id starts with text; by id, first 1..1000."
    )
    async def search_enterprises(
        self, info: Info, text: Text, first: First = 100, after: After = None
    ) -> Page[Enterprise]:
        page = await search.enterprises(info.context.graph, text, first, after)
        items = await load_enterprises(info, _admitted(info, page.ids))
        return Page(items=items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)

    @strawberry.field(description="Persons whose name contains text (Latin: in any case); by id, first 1..1000.")
    async def search_persons(self, info: Info, text: Text, first: First = 100, after: After = None) -> Page[Person]:
        page = await search.persons(info.context.graph, text, first, after)
        found = await _persons_loader(info).load_many(_admitted(info, page.ids))
        items = [Person.of(p) for p in found if p is not None]
        return Page(items=items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)

    @strawberry.field(
        description="Batches of productId, made by producerId, produced between producedFrom and producedTo "
        "(ISO 8601 dates or date-times, both inclusive; a date as producedTo includes that day): every criterion "
        "given must hold. By id, first 1..1000."
    )
    async def search_batches(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        producer_id: strawberry.ID | None = None,
        produced_from: str | None = None,
        produced_to: str | None = None,
        first: First = 100,
        after: After = None,
    ) -> Page[Batch]:
        page = await search.batches(
            info.context.graph, product_id, producer_id, produced_from, produced_to, first, after
        )
        items = await load_batches(info, _admitted(info, page.ids))
        return Page(items=items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)

    @strawberry.field(description="Shipments whose declaration number starts with declaration; by id, first 1..1000.")
    async def search_shipments(
        self, info: Info, declaration: Text, first: First = 100, after: After = None
    ) -> Page[Shipment]:
        page = await search.shipments(info.context.graph, declaration, first, after)
        found = await lookup.shipments(info.context.graph, _admitted(info, page.ids))
        items = [Shipment.of(s) for s in found if s is not None]
        return Page(items=items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)

    @strawberry.field(description="A person by id, with the enterprises it sits in; null when unknown.")
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        found = await _persons_loader(info).load(id)
        return Person.of(found) if found else None
