"""Paging the navigation lists (issue 11 item 8): every list's `<field>Page(first, after)` walks past the first
1 000 items a page at a time, each item once and in the list's order (ties on the sort value broken by id); rows
inserted between pages, before or after the cursor, never make it skip or repeat an item; a bad cursor is
BAD_USER_INPUT naming `after`; a level of parents is still one query per list. (The cost limiter's charge for
the pages: tests/api/test_cost.py.)"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from api.access import field_rule
from api.gql.schema import build_schema
from graph.db import Graph
from graph.settings import Settings
from seed.builders import lab, lab_report, link, person
from tests.conftest import batch, enterprise, gql, load, product, shipment, statements_run

SCHEMA = build_schema(Settings())._schema
SEARCH_PAGES = {"BatchPage", "ShipmentPage"}
Item = tuple[str, int]  # an item's name (its id, or its holder's) and its rank: its group of equal sort values
Record = dict[str, Any]

# The parents; SRC and HUB belong to MX and P0, so that they are in none of M's or P1's lists.
BASE = (
    *(enterprise(e) for e in ("M", "R", "HOLDER", "MX")),
    product("P1"),
    product("P0"),
    batch("SRC", product="P0", producer="MX"),
    lab("L1"),
)
# Three instants per rank, chronological; written so that their text sorts otherwise (rank 0 after rank 1).
INSTANTS = ("2026-03-02T01:00:00+08:00", "2026-03-01T20:00:00Z", "2026-03-03")
SHARES = (0.3, 0.1, 0.05)  # largest first
TIE_SHARES = (0.6, 0.3, 0.1)  # CONTROL 0.8, SHAREHOLDING 0.5, MINOR_SHARE 0.2
LINK_KINDS = ("LEGAL_REPRESENTATIVE", "OFFICER", "SHAREHOLDER")  # the order of their relationship types


def person_holder(name: str) -> bool:
    return sum(map(ord, name)) % 2 == 1  # owners are people and enterprises, mixed


def lots(items: list[Item]) -> list[Record]:
    return [batch(n) for n, _ in items]


def output_lots(items: list[Item]) -> list[Record]:
    return [batch(n, inputs=[("SRC", 1)], product="P0", producer="MX") for n, _ in items]


def input_lots(items: list[Item]) -> list[Record]:
    made = [batch(n, product="P0", producer="MX") for n, _ in items]
    return [*made, batch("HUB", inputs=[(n, 1) for n, _ in items], product="P0", producer="MX")]


def shipments(items: list[Item]) -> list[Record]:
    return [shipment(n, "SRC", "R", shipped_at=INSTANTS[r]) for n, r in items]


def reports(items: list[Item]) -> list[Record]:
    return [lab_report(n, batch="SRC", tested_at=INSTANTS[r]) for n, r in items]


def people(items: list[Item]) -> list[Record]:
    persons = [person(n) for n in dict.fromkeys(n for n, _ in items)]
    share = {"SHAREHOLDER": 0.01}
    return [*persons, *(link(LINK_KINDS[r], n, "M", share.get(LINK_KINDS[r])) for n, r in items)]


def owners(items: list[Item]) -> list[Record]:
    holders = [person(n) if person_holder(n) else enterprise(n) for n, _ in items]
    return [*holders, *(link("SHAREHOLDER", n, "M", SHARES[r]) for n, r in items)]


def holdings(items: list[Item]) -> list[Record]:
    return [*(enterprise(n) for n, _ in items), *(link("SHAREHOLDER", "HOLDER", n, SHARES[r]) for n, r in items)]


def ties(items: list[Item]) -> list[Record]:
    return [*(enterprise(n) for n, _ in items), *(link("SHAREHOLDER", n, "M", TIE_SHARES[r]) for n, r in items)]


@dataclass(frozen=True)
class NavList:
    root: str  # the lookup that answers the parent
    field: str  # the paged field
    selection: str
    records: Callable[[list[Item]], list[Record]]
    ident: Callable[[dict[str, Any]], Any]  # an answered item's identity ...
    of: Callable[[Item], Any] = lambda item: item[0]  # ... and an item's
    ranked: bool = True  # the sort value is the rank (else the order is the identity's alone)
    second_roles: bool = False  # some names have two items (a person with two roles)

    def __str__(self) -> str:
        return f"{self.root.split('(')[0]}.{self.field}"

    def key(self, item: Item) -> tuple[Any, ...]:
        """The list's order: by rank (when ranked), then by identity."""
        return (item[1] if self.ranked else 0, self.of(item))


def by_id(i: dict[str, Any]) -> Any:
    return i["id"]


def by_batch(i: dict[str, Any]) -> Any:
    return i["batch"]["id"]


def by_enterprise(i: dict[str, Any]) -> Any:
    return i["enterprise"]["id"]


LISTS = [
    NavList('enterprise(id: "M")', "batchesPage", "id", lots, by_id, ranked=False),
    NavList('product(id: "P1")', "batchesPage", "id", lots, by_id, ranked=False),
    NavList('batch(id: "SRC")', "outputsPage", "batch { id } quantity", output_lots, by_batch, ranked=False),
    NavList('batch(id: "HUB")', "inputsPage", "batch { id } quantity", input_lots, by_batch, ranked=False),
    NavList('batch(id: "SRC")', "shipmentsPage", "id", shipments, by_id),
    NavList('enterprise(id: "M")', "shipmentsOutPage", "id", shipments, by_id),
    NavList('enterprise(id: "R")', "shipmentsInPage", "id", shipments, by_id),
    NavList('batch(id: "SRC")', "testReportsPage", "id", reports, by_id),
    NavList('lab(id: "L1")', "reportsPage", "id", reports, by_id),
    NavList(
        'enterprise(id: "M")',
        "peoplePage",
        "personId role",
        people,
        lambda i: (i["personId"], i["role"]),
        of=lambda item: (item[0], f"{LINK_KINDS[item[1]]}_OF"),
        ranked=False,
        second_roles=True,
    ),
    NavList('enterprise(id: "M")', "ownersPage", "holderId kind share", owners, lambda i: i["holderId"]),
    NavList('enterprise(id: "HOLDER")', "holdingsPage", "enterprise { id } share", holdings, by_enterprise),
    NavList('enterprise(id: "M")', "tiesPage", "enterprise { id } kind weight", ties, by_enterprise),
]
PARAMS = [pytest.param(spec, id=str(spec)) for spec in LISTS]


def items_of(spec: NavList, n: int) -> list[Item]:
    """n names in an order unlike their ranks' (and, for people, a second role for every fourth person)."""
    items = [(f"N{i:04d}", i * 7 % 3) for i in range(n)]
    if spec.second_roles:
        items += [(name, (rank + 1) % 3) for name, rank in items[::4]]
    return items


def page_query(spec: NavList, first: int) -> str:
    return (
        f"query($after: String) {{ {spec.root} {{ {spec.field}(first: {first}, after: $after) {{ "
        f"items {{ {spec.selection} }} endCursor hasNextPage }} }} }}"
    )


async def walk(client, spec: NavList, first: int, between: Callable[[Any], Any] | None = None) -> list[Any]:
    """Every page of the list, in order; `between(last identity)` runs before each next page is asked."""
    root, after, seen, pages = spec.root.split("(")[0], None, [], 0
    while True:
        body = await gql(client, page_query(spec, first), after=after)
        assert "errors" not in body, body["errors"]
        page = body["data"][root][spec.field]
        seen += [spec.ident(i) for i in page["items"]]
        pages += 1
        assert pages < 100, "the walk does not end"
        if not page["hasNextPage"]:
            assert len(page["items"]) <= first
            return seen
        assert len(page["items"]) == first and page["endCursor"]
        after = page["endCursor"]
        if between is not None:
            await between(seen[-1])


@pytest.mark.parametrize("spec", PARAMS)
async def test_a_list_of_more_than_1000_walks_in_pages_each_item_once_in_order(client, db, spec):
    items = items_of(spec, 1010)
    # In the service's write batches, not the suite's small ones: the lists are what this is about.
    bulk = Graph(db.driver, db.settings.model_copy(update={"import_batch_size": 10_000}))
    await load(bulk, *BASE, *spec.records(items))
    expected = [spec.of(item) for item in sorted(items, key=spec.key)]
    assert len(expected) > 1000

    assert await walk(client, spec, first=400) == expected

    # The plain list answers the same order, its first page of up to 1 000 as before.
    plain = spec.field.removesuffix("Page")
    body = await gql(client, f"{{ {spec.root} {{ {plain}(first: 1000) {{ {spec.selection} }} }} }}")
    assert [spec.ident(i) for i in body["data"][spec.root.split("(")[0]][plain]] == expected[:1000]


@pytest.mark.parametrize("spec", PARAMS)
async def test_rows_inserted_between_pages_neither_shift_nor_repeat_the_walk(client, db, spec):
    items = items_of(spec, 14)
    await load(db, *BASE, *spec.records(items))
    original = [spec.of(item) for item in sorted(items, key=spec.key)]
    rank = {spec.of(item): item[1] for item in items}
    later: list[Any] = []  # inserted after the cursor: the walk reaches them

    async def insert(last: Any) -> None:
        """Before the cursor: a first item, and one of the cursor's own sort value that sorts just before it;
        after it: one of the same sort value just after it, and a last item."""
        name = last[0] if isinstance(last, tuple) else last
        r = rank[last]
        step = len(items)
        new = [
            (f"A{step:03d}", 0 if spec.ranked else r),
            (f"{name[:-1]}-{step}", r),  # a prefix and "-" sort before the name
            (name + "a", r),
            (f"Z{step:03d}", 2 if spec.ranked else r),
        ]
        items.extend(new)
        rank.update({spec.of(item): item[1] for item in new})
        later.extend(spec.of(item) for item in new[2:])
        await load(db, *BASE, *spec.records(items))

    seen = await walk(client, spec, first=4, between=insert)
    assert [x for x in seen if x in original] == original  # each original once, in order
    assert set(later) <= set(seen)  # what was inserted after the cursor is reached
    assert len(seen) == len(set(seen))  # and nothing twice
    assert set(seen) <= set(original) | set(later)  # nor anything inserted before the cursor


def cursor(parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


async def test_a_bad_cursor_is_bad_user_input_naming_after(client, db):
    await load(db, *BASE, *shipments([("S1", 0), ("S2", 1)]))
    first = await gql(client, '{ enterprise(id: "M") { shipmentsOutPage(first: 1) { endCursor } } }')
    good = first["data"]["enterprise"]["shipmentsOutPage"]["endCursor"]
    bad = [
        "not a cursor!",
        cursor(["enterprise_shipments_out", "S1"]),  # the wrong shape
        cursor(["enterprise_shipments_out", "x", "S1"]),  # a part of the wrong type
        cursor(["enterprise_shipments_out", True, "S1"]),
        cursor({"enterprise_shipments_out": 1}),
        base64.urlsafe_b64encode(b"search:S1").decode(),  # a search cursor
    ]
    for after in bad:
        body = await gql(
            client, 'query($a: String) { enterprise(id: "M") { shipmentsOutPage(after: $a) { endCursor } } }', a=after
        )
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (after, error)
        assert error["message"].startswith("after: malformed cursor"), error["message"]
    # A cursor of one list is not one of another's, even of the same shape.
    query = 'query($a: String) { enterprise(id: "R") { shipmentsInPage(after: $a) { endCursor } } }'
    body = await gql(client, query, a=good)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # A good one pages on.
    body = await gql(
        client, 'query($a: String) { enterprise(id: "M") { shipmentsOutPage(after: $a) { items { id } } } }', a=good
    )
    assert body["data"]["enterprise"]["shipmentsOutPage"]["items"] == [{"id": "S2"}]


async def test_an_empty_page_keeps_the_cursor_and_first_is_still_checked(client, db):
    await load(db, *BASE, *shipments([("S1", 0)]))
    query = """query($a: String, $n: Int!) { enterprise(id: "M") {
      shipmentsOutPage(first: $n, after: $a) { items { id } endCursor hasNextPage } } }"""
    one = (await gql(client, query, n=1))["data"]["enterprise"]["shipmentsOutPage"]
    assert one["items"] == [{"id": "S1"}] and one["hasNextPage"] is False
    rest = (await gql(client, query, n=1, a=one["endCursor"]))["data"]["enterprise"]["shipmentsOutPage"]
    assert rest == {"items": [], "endCursor": one["endCursor"], "hasNextPage": False}
    body = await gql(client, query, n=1001)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "first" in body["errors"][0]["message"]


async def test_a_level_of_parents_is_one_query_per_list(client, db, monkeypatch):
    await load(db, *BASE, *(batch(f"B{i}") for i in range(5)), *(shipment(f"S{i}", f"B{i}", "R") for i in range(5)))
    names = statements_run(db, monkeypatch)
    body = await gql(
        client,
        """{ enterprise(id: "M") { shipmentsOutPage(first: 10) { items { batch {
             shipmentsPage(first: 1) { items { to { id } } endCursor hasNextPage } } } } } }""",
    )
    items = body["data"]["enterprise"]["shipmentsOutPage"]["items"]
    assert [i["batch"]["shipmentsPage"]["items"] for i in items] == [[{"to": {"id": "R"}}]] * 5
    assert names.count("nav/enterprise_shipments_out") == 1
    assert names.count("nav/batch_shipments") == 1  # the five batches' pages in one query


def test_every_navigation_page_and_its_type_has_an_access_rule():
    missing = []
    for spec in LISTS:
        parent = SCHEMA.get_type(spec.root.split("(")[0].capitalize())
        page = parent.fields[spec.field].type.of_type  # type: ignore[union-attr]
        missing += [f"{parent.name}.{spec.field}"] if field_rule(parent.name, spec.field) is None else []
        if page.name not in SEARCH_PAGES:  # those are the search's, ruled with it
            missing += [f"{page.name}.{name}" for name in page.fields if field_rule(page.name, name) is None]
    assert missing == []
