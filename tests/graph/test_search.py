"""Search for investigators against real Neo4j: names (Chinese and Latin substrings), USCC, id prefix, production
dates, declarations; pages in id order that neither repeat nor skip while writes happen between them."""

from __future__ import annotations

import pytest

from graph import search
from graph.errors import BadInput
from seed.builders import link, person
from tests.conftest import batch, enterprise, load, product, shipment

USCC = "91410702MAP306MQ4L"


async def all_pages(fetch, first: int) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    after = None
    while True:
        page = await fetch(first=first, after=after)
        ids += page.ids
        if not page.has_next_page:
            return ids
        after = page.end_cursor


async def test_enterprises_by_chinese_substring_latin_any_case_uscc_and_id_prefix(db):
    await load(
        db,
        enterprise("ENT-XX-DAIRY", name="新乡市某乳业有限公司", uscc=USCC),
        enterprise("ENT-XX-BAKE", name="新乡市面包坊"),
        enterprise("ENT-NZ-01", name="Acme Dairy Exports Ltd"),
    )
    assert (await search.enterprises(db, "乳业")).ids == ["ENT-XX-DAIRY"]
    assert (await search.enterprises(db, "新乡市")).ids == ["ENT-XX-BAKE", "ENT-XX-DAIRY"]
    assert (await search.enterprises(db, "dairy")).ids == ["ENT-NZ-01"]
    assert (await search.enterprises(db, "ACME DAIRY")).ids == ["ENT-NZ-01"]
    assert (await search.enterprises(db, USCC.lower())).ids == ["ENT-XX-DAIRY"]
    assert (await search.enterprises(db, "ENT-XX")).ids == ["ENT-XX-BAKE", "ENT-XX-DAIRY"]
    assert (await search.enterprises(db, "no such")).ids == []


async def test_persons_by_name_and_the_enterprises_they_sit_in(db):
    await load(
        db,
        enterprise("E1", name="新乡市某乳业有限公司"),
        enterprise("E2", name="Acme"),
        person("P-1", "张伟"),
        person("P-2", "Li Wei"),
        link("LEGAL_REPRESENTATIVE", "P-1", "E1"),
        link("SHAREHOLDER", "P-1", "E2", share=0.4),
    )
    assert (await search.persons(db, "张")).ids == ["P-1"]
    assert (await search.persons(db, "li wei")).ids == ["P-2"]
    found, unknown = await search.persons_by_id(db, ["P-1", "nobody"])
    assert unknown is None
    assert [(s.enterprise_id, s.role, s.share) for s in found.seats] == [
        ("E1", "LEGAL_REPRESENTATIVE", None),
        ("E2", "SHAREHOLDER", 0.4),
    ]


async def test_batches_by_product_producer_and_inclusive_production_dates(db):
    await load(
        db,
        enterprise("M"),
        enterprise("N"),
        product("P1"),
        product("P2"),
        batch("B1", producedAt="2026-03-01"),
        batch("B2", producedAt="2026-03-15T23:00:00Z"),
        batch("B3", producedAt="2026-04-01", product="P2"),
        batch("B4", producedAt="2026-03-10", producer="N"),
    )
    assert (await search.batches(db, produced_from="2026-03-01", produced_to="2026-03-15")).ids == ["B1", "B2", "B4"]
    assert (await search.batches(db, produced_from="2026-03-02")).ids == ["B2", "B3", "B4"]
    assert (await search.batches(db, product="P2")).ids == ["B3"]
    assert (await search.batches(db, producer="N")).ids == ["B4"]
    assert (await search.batches(db, product="P1", producer="M", produced_to="2026-03-14")).ids == ["B1"]


async def test_shipments_by_declaration_number_or_its_prefix(db):
    await load(
        db,
        enterprise("M"),
        enterprise("C"),
        product("P1"),
        batch("B1"),
        shipment("S1", "B1", "C", declaration="420120260000123456"),
        shipment("S2", "B1", "C", declaration="420120260000999999"),
        shipment("S3", "B1", "C"),
    )
    assert (await search.shipments(db, "420120260000123456")).ids == ["S1"]
    assert (await search.shipments(db, "4201")).ids == ["S1", "S2"]


async def test_paging_neither_repeats_nor_skips_while_records_are_written_between_pages(db):
    await load(db, *[enterprise(f"E{i:03}", name=f"某乳业 {i}") for i in range(0, 50, 2)])
    seen: list[str] = []
    page = await search.enterprises(db, "乳业", first=10)
    seen += page.ids
    # Between pages: a match sorting before the cursor, one after it, and one renamed away.
    await load(db, enterprise("E001", name="某乳业 new"), enterprise("E049", name="某乳业 new"))
    await load(db, enterprise("E030", name="renamed"))
    while page.has_next_page:
        page = await search.enterprises(db, "乳业", first=10, after=page.end_cursor)
        seen += page.ids
    expected = [f"E{i:03}" for i in range(0, 50, 2) if i != 30] + ["E049"]
    assert seen == expected
    assert len(seen) == len(set(seen))


async def test_more_than_one_page_of_batches_in_id_order(db):
    await load(db, enterprise("M"), product("P1"), *[batch(f"B{i:04}") for i in range(25)])
    assert await all_pages(lambda **kw: search.batches(db, producer="M", **kw), first=7) == [
        f"B{i:04}" for i in range(25)
    ]


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda db: search.enterprises(db, "   "), "text"),
        (lambda db: search.persons(db, ""), "text"),
        (lambda db: search.shipments(db, " "), "declaration"),
        (lambda db: search.enterprises(db, "x", first=0), "first"),
        (lambda db: search.enterprises(db, "x", first=1001), "first"),
        (lambda db: search.enterprises(db, "x", after="not a cursor"), "after"),
        (lambda db: search.batches(db, after="c2VhcmNoOg"), "after"),  # "search:" with no id
        (lambda db: search.batches(db, produced_from="2026-04-01", produced_to="2026-03-01"), "producedTo"),
        (lambda db: search.batches(db, produced_from="yesterday"), "producedFrom"),
    ],
)
async def test_bad_arguments_are_refused_naming_the_argument(db, call, argument):
    with pytest.raises(BadInput) as refused:
        await call(db)
    assert refused.value.argument == argument
