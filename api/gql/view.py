"""The mechanics of the GraphQL types (their patterns: the top of api/gql/types.py): the mixin that builds a type
from the read model it extends, navigation fields, a load that must find what a read model refers to, and the one
way back from the capability types (credit, risk) to the core types.

The core types extend the capability mixins, so api/gql/types.py imports the capability modules at its top; a
capability type names a core type with a lazy annotation (CoreEnterprise, ...) and builds one with the functions
at the end of this module, which import api.gql.types when first called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from types import GenericAlias, ModuleType
from typing import TYPE_CHECKING, Annotated, Any, Generic, Self, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField

from api.gql.context import Info
from api.gql.pacing import pacer
from graph import lookup
from graph.errors import check_range
from graph.nodes import BatchNode, ShipmentNode
from graph.read_model import MAX_PAGE

if TYPE_CHECKING:
    from api.gql.types import Batch, Enterprise, MassBalanceIssue, Shipment, TracedBatch

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

First = Annotated[int, strawberry.argument(description="How many to return, 1..1000.")]
After = Annotated[
    str | None, strawberry.argument(description="The endCursor of the previous page; omit it for the first page.")
]
CoreBatch = Annotated["Batch", strawberry.lazy("api.gql.types")]
CoreEnterprise = Annotated["Enterprise", strawberry.lazy("api.gql.types")]
CoreMassBalanceIssue = Annotated["MassBalanceIssue", strawberry.lazy("api.gql.types")]
CoreShipment = Annotated["Shipment", strawberry.lazy("api.gql.types")]
CoreTracedBatch = Annotated["TracedBatch", strawberry.lazy("api.gql.types")]


@strawberry.type(
    description="A page of a list, in the list's order (its field says which); page on with after: endCursor."
)
class Page(Generic[T]):
    items: list[T]
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool


class View:
    """The mixin of a GraphQL type that extends a read model: `of(value)` is the type holding the value's fields,
    `more` the type's own (its nested GraphQL types, its private values)."""

    @classmethod
    def of(cls, value: Any, **more: Any) -> Self:
        return cls(**{**vars(value), **more})


def shown(derived: property | Callable[[Any], Any], description: str | None = None) -> Any:
    """A read model's derived value (a property) as a field of the GraphQL type that extends it. Assign it to the
    property's name with a trailing underscore (`on_hand_ = shown(RecallLine.on_hand)`): under the property's own
    name the resolver would replace the property, which the model's other properties may use."""
    getter = derived.fget if isinstance(derived, property) else derived
    assert getter is not None
    head, *rest = getter.__name__.split("_")
    name = head + "".join(word.capitalize() for word in rest)
    return strawberry.field(resolver=getter, name=name, description=description)


def unset(value: T | None) -> T | None:
    """An optional argument the contract declares without a default: None when the query leaves it out (strawberry
    passes UNSET)."""
    return None if value is strawberry.UNSET else value


def check_first(first: int) -> None:
    check_range("first", first, 1, MAX_PAGE)


async def related(info: Info, name: str, parent: str, first: int, after: str | None) -> lookup.NavPage[Any]:
    """A page of one-hop neighbours from a nav/ statement, batched with every parent of the same level that asks
    the same page (`first`, `after`), counted against the request's object cap."""
    check_first(first)
    key = lookup.after_key(name, after)
    cap = info.context.objects
    if cap.exceeded is None:
        page = await info.context.loaders.related(name, first, key).load(parent)
        if cap.admits(len(page.items), info.path):
            if page.items:
                await pacer().turn(len(page.items))
            return page
    return lookup.NavPage([], after, False)


async def counted(info: Info, loader: DataLoader[str, list[T]], key: str) -> list[T]:
    """A list from a per-request loader, counted against the request's object cap (GRAPHQL_MAX_OBJECTS; empty once
    the cap is passed: the answer is then replaced by the cap's error, api/gql/object_cap.py)."""
    cap = info.context.objects
    if cap.exceeded is not None:
        return []
    items = await loader.load(key)
    if not cap.admits(len(items), info.path):
        return []
    if items:
        await pacer().turn(len(items))
    return items


Build = Callable[[Info, list[Any]], Awaitable[list[Any]]]


def nav_fields(
    statement: str, description: str, *, of: type[View] | None = None, load: Build | None = None, returns: Any = None
) -> tuple[Any, Any]:
    """The two fields of a navigation list of a parent with an id, through nav/`statement`: the list, a page
    (`first`, default 100) of the neighbours, and its paged twin, which also takes `after` and answers a Page
    with the cursor of the next. Each item is the GraphQL type `of` extends with it, or all are made by
    `load(info, found)`, which `returns` a list of."""
    build: Build
    if of is not None:
        view = of

        async def of_each(_info: Info, found: list[Any]) -> list[Any]:
            return [view.of(item) for item in found]

        build, returns = of_each, GenericAlias(list, (view,))
    else:
        assert load is not None and returns is not None, "give `of`, or `load` and what it `returns`"
        build = load
    (item,) = returns.__args__

    async def resolve(root: Any, info: Info, first: First = 100) -> list[Any]:
        return await build(info, (await related(info, statement, root.id, first, None)).items)

    async def resolve_page(root: Any, info: Info, first: First = 100, after: After = None) -> Page[Any]:
        page = await related(info, statement, root.id, first, after)
        return Page(items=await build(info, page.items), end_cursor=page.end_cursor, has_next_page=page.has_next_page)

    paged = (
        f"{description} A page at a time: after the endCursor of the previous page, never skipping nor repeating "
        "an item while records are written between pages (an item written before the cursor is not shown)."
    )
    return (
        strawberry.field(resolver=resolve, description=description, graphql_type=returns),
        strawberry.field(resolver=resolve_page, description=paged, graphql_type=Page[item]),  # type: ignore[valid-type]
    )


async def found(loader: DataLoader[K, T | None], key: K, kind: str) -> T:
    """What a read model refers to: there, since the graph's relationships hold the references; a missing one is
    a fault of the data (an internal error), not of the request."""
    value = await loader.load(key)
    if value is None:
        raise LookupError(f"{kind} {key!r} is referred to but not in the graph")
    return value


async def found_all(loader: DataLoader[K, T | None], keys: list[K], kind: str) -> list[T]:
    """`found` for many keys, in one batch."""
    values = await loader.load_many(keys)
    missing = [k for k, v in zip(keys, values, strict=True) if v is None]
    if missing:
        raise LookupError(f"{kind} {missing[0]!r} is referred to but not in the graph")
    return [v for v in values if v is not None]


IDENTITY_FIELDS = frozenset({"id", "__typename"})


def reads_only_ids(info: Info, *path: str) -> bool:
    """Whether the query reads nothing but `id` (or `__typename`) of the objects at `path` below the field being
    resolved (`reads_only_ids(info, "consignees", "enterprise")`), wherever that path is selected, through
    fragments; False when a directive (@include, @skip) is on the way, so that the answer never depends on it, and
    when the path is not selected at all (another field may read the same objects).
    Then a list of references need not be looked up to be answered: its ids came from the graph itself."""
    level: list[Any] = [child for f in info.selected_fields for child in f.selections]
    for name in path:
        fields = _fields(level)
        if fields is None:
            return False
        level = [child for f in fields if f.name == name for child in f.selections]
    leaves = _fields(level)  # empty when the path is not selected: then False, as the objects may be read otherwise
    return leaves is not None and bool(leaves) and all(f.name in IDENTITY_FIELDS and not f.selections for f in leaves)


def _fields(selections: list[Any]) -> list[SelectedField] | None:
    """The fields of `selections` with the fragments' own spread in; None if any has a directive."""
    found: list[SelectedField] = []
    stack = list(selections)
    while stack:
        selection = stack.pop()
        if selection.directives:
            return None
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:  # a fragment, spread or inline
            stack.extend(selection.selections)
    return found


def _core() -> ModuleType:
    from api.gql import types  # here, not at the top: api.gql.types imports this module's importers first

    return types


async def enterprise_of(info: Info, enterprise_id: str) -> Enterprise:
    return _core().Enterprise.of(await found(info.context.loaders.enterprise, enterprise_id, "enterprise"))


async def batch_of(info: Info, batch_id: str) -> Batch:
    return _core().Batch.of(await found(info.context.loaders.batch, batch_id, "batch"))


def shipment_of(node: ShipmentNode) -> Shipment:
    return _core().Shipment.of(node)


def traced_of(node: BatchNode, depth: int) -> TracedBatch:
    return _core().TracedBatch(batch=_core().Batch.of(node), depth=depth)


async def mass_balance_issues_of(info: Info, batch_ids: list[str]) -> list[MassBalanceIssue]:
    return await _core().load_mass_balance_issues(info, batch_ids)
