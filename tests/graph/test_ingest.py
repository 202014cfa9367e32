"""Import semantics of contract/RECORDS.md: counts per type, idempotence, last write wins, re-running after a
fault, blacklists lowering credit grades, test report items, progress."""

from __future__ import annotations

import asyncio
import gc
import io
import json
from collections import Counter
from typing import Any

import pytest

from graph.db import Graph
from graph.imports import import_lines
from graph.ingest import Counts, Unreadable, file_lines, ndjson_lines
from graph.ingest.parse import gc_paused
from graph.lookup import related
from seed.builders import agency, blacklist, lab, lab_report, link, person, risk_signal
from tests.conftest import BASE, batch, enterprise, load, ndjson, product, shipment

# One or more records of every type.
ALL_TYPES = (
    enterprise("M", roles=["MANUFACTURER"], country="CN"),
    enterprise("E2", roles=["RETAILER"]),
    enterprise("E3", roles=["DISTRIBUTOR"]),
    person("PER1"),
    link("SHAREHOLDER", "PER1", "M", 0.6),
    link("LEGAL_REPRESENTATIVE", "PER1", "M"),
    link("SHAREHOLDER", "M", "E2", 1),
    product("P1"),
    batch("B1"),
    batch("B2", [("B1", 300)]),
    shipment("S1", "B2", "E2"),
    lab(),
    agency(),
    lab_report("T1", "B2"),
    blacklist("K1", "E3", agency="A1"),
    risk_signal("R1", {"batch": "B2"}),
)
ALL_TYPES_COUNTS = {
    "enterprise": 3,
    "person": 1,
    "link": 3,
    "product": 1,
    "batch": 2,
    "shipment": 1,
    "lab": 1,
    "agency": 1,
    "test_report": 1,
    "blacklist": 1,
    "risk_signal": 1,
}
ALL_TYPES_RELATIONSHIPS = {
    "SHAREHOLDER_OF": 2,
    "LEGAL_REPRESENTATIVE_OF": 1,
    "OF_PRODUCT": 2,
    "PRODUCED": 2,
    "INPUT_TO": 1,
    "CARRIES": 1,
    "FROM": 1,
    "TO": 1,
    "ISSUED": 1,
    "TESTED": 1,
    "AGAINST": 1,
    "BY": 1,
    "ABOUT": 1,
    "TIED_TO": 1,  # M and E2: M holds all of E2 (CONTROL) and shipped to it (TRADE)
    "CONCERNS": 1,  # E3's credit event
    "OF_INCIDENT": 1,  # the signal's incident (a signal alone is an incident of its own)
}


# Properties that record when the service did something (evaluated a grade, wrote an event, saw a lab's
# status change): two correct imports differ in them only.
WALL_CLOCK = {"creditCheckedAtMs", "creditLockedAtMs", "atMs", "statusSinceMs"}


async def nodes(db: Graph) -> list[tuple[str, str, str]]:
    """Every node as (label, key, json of its properties but wall-clock times), sorted."""
    rows = await db.read("testing/all_nodes")
    return sorted(
        (
            r["labels"][0],
            str(r["props"].get("id", r["props"].get("seq", r["props"].get("name")))),
            json.dumps({k: v for k, v in r["props"].items() if k not in WALL_CLOCK}, sort_keys=True),
        )
        for r in rows
    )


async def relationships(db: Graph) -> list[tuple[str, str, str, str]]:
    """Every relationship as (type, from id, to id, json of its properties), sorted."""
    rows = await db.read("testing/all_relationships")
    return sorted((r["type"], r["from"], r["to"], json.dumps(r["props"], sort_keys=True)) for r in rows)


async def props(db: Graph, id: str) -> dict[str, Any]:
    rows = await db.read("testing/node", id=id)
    assert len(rows) == 1, f"expected one node with id {id!r}, found {len(rows)}"
    return rows[0]["props"]


async def rels_of(db: Graph, id: str, rel_type: str) -> list[tuple[bool, str, dict[str, Any]]]:
    """(outgoing?, id at the other end, properties) of each `rel_type` relationship touching node `id`."""
    return [
        (r["outgoing"], r["other"], r["props"])
        for r in await db.read("testing/relationships_of", id=id)
        if r["type"] == rel_type
    ]


def only(rtype: str, **counts: int) -> dict[str, Counts]:
    return {rtype: Counts(**counts)}


# --- counts, idempotence -------------------------------------------------------------------------------------------


async def test_first_import_counts_every_record_as_created_per_type(db):
    report = await load(db, *ALL_TYPES)
    assert report.by_type == {t: Counts(created=n) for t, n in ALL_TYPES_COUNTS.items()}
    assert (report.created, report.updated, report.unchanged) == (len(ALL_TYPES), 0, 0)
    assert Counter(label for label, _, _ in await nodes(db)) == {
        "Enterprise": 3,
        "Person": 1,
        "Product": 1,
        "Batch": 2,
        "Shipment": 1,
        "Lab": 1,
        "Agency": 1,
        "TestReport": 1,
        "BlacklistEntry": 1,
        "RiskSignal": 1,
        "Incident": 1,  # the signal's
        "CreditEvent": 1,  # the listing lowered E3's grade
        "Sequence": 1,  # of credit events
    }
    assert Counter(t for t, *_ in await relationships(db)) == ALL_TYPES_RELATIONSHIPS


async def test_an_identical_reimport_changes_nothing_and_duplicates_nothing(db):
    await load(db, *ALL_TYPES)
    nodes_before, rels_before = await nodes(db), await relationships(db)
    report = await load(db, *ALL_TYPES)
    assert report.by_type == {t: Counts(unchanged=n) for t, n in ALL_TYPES_COUNTS.items()}
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(ALL_TYPES))
    assert await nodes(db) == nodes_before
    assert await relationships(db) == rels_before
    assert len(rels_before) == sum(ALL_TYPES_RELATIONSHIPS.values())


async def test_a_reimport_in_another_line_order_is_unchanged_too(db):
    await load(db, *ALL_TYPES)
    rels_before = await relationships(db)
    report = await load(db, *reversed(ALL_TYPES))
    assert report.unchanged == len(ALL_TYPES)
    assert await relationships(db) == rels_before


# --- last write wins -----------------------------------------------------------------------------------------------


async def test_a_changed_batch_is_an_update_and_its_new_content_wins(db):
    await load(db, *ALL_TYPES)
    report = await load(db, batch("B1", quantity=1234.5, originCountry="NZ"))
    assert report.by_type == only("batch", updated=1)
    assert (await props(db, "B1"))["quantity"] == 1234.5
    assert (await props(db, "B1"))["originCountry"] == "NZ"
    # the record replaces the node's properties: a field left out is gone
    report = await load(db, batch("B1", quantity=1234.5))
    assert report.by_type == only("batch", updated=1)
    assert "originCountry" not in await props(db, "B1")


async def test_a_shipment_moved_to_another_consignee_keeps_exactly_one_to(db):
    await load(db, *ALL_TYPES)
    report = await load(db, shipment("S1", "B2", "E3"))
    assert report.by_type == only("shipment", updated=1)
    assert await rels_of(db, "S1", "TO") == [(True, "E3", {})]
    assert await rels_of(db, "E2", "TO") == []
    assert await rels_of(db, "S1", "FROM") == [(True, "M", {})]
    assert await rels_of(db, "S1", "CARRIES") == [(True, "B2", {})]


async def test_a_shipment_sender_and_batch_are_replaced_too(db):
    await load(db, *ALL_TYPES)
    await load(db, shipment("S1", "B1", "E2", from_="E3"))
    assert await rels_of(db, "S1", "FROM") == [(True, "E3", {})]
    assert await rels_of(db, "S1", "CARRIES") == [(True, "B1", {})]


async def test_replaced_batch_inputs_remove_the_old_input_to(db):
    await load(db, *ALL_TYPES, batch("B3", [("B1", 10)]))
    report = await load(db, batch("B3", [("B2", 7)]))
    assert report.by_type == only("batch", updated=1)
    assert await rels_of(db, "B3", "INPUT_TO") == [(False, "B2", {"quantity": 7})]
    assert [other for _, other, _ in await rels_of(db, "B1", "INPUT_TO")] == ["B2"]  # B1 -> B2 stays


async def test_a_changed_input_quantity_is_an_update(db):
    await load(db, *ALL_TYPES)
    report = await load(db, batch("B2", [("B1", 450)]))
    assert report.by_type == only("batch", updated=1)
    assert await rels_of(db, "B2", "INPUT_TO") == [(False, "B1", {"quantity": 450})]


async def test_dropping_all_inputs_removes_every_input_to(db):
    await load(db, *ALL_TYPES)
    await load(db, batch("B2"))
    assert await rels_of(db, "B2", "INPUT_TO") == []


async def test_a_changed_producer_and_product_are_replaced(db):
    await load(db, *ALL_TYPES, product("P2"))
    await load(db, batch("B1", product="P2", producer="E2"))
    assert await rels_of(db, "B1", "OF_PRODUCT") == [(True, "P2", {})]
    assert await rels_of(db, "B1", "PRODUCED") == [(False, "E2", {})]


async def test_a_share_change_counts_as_a_link_update(db):
    await load(db, *ALL_TYPES)
    report = await load(db, link("SHAREHOLDER", "PER1", "M", 0.25))
    assert report.by_type == only("link", updated=1)
    assert await rels_of(db, "PER1", "SHAREHOLDER_OF") == [(True, "M", {"share": 0.25})]
    report = await load(db, link("SHAREHOLDER", "PER1", "M", 0.25))
    assert report.by_type == only("link", unchanged=1)


async def test_links_are_identified_by_kind_from_and_to(db):
    await load(db, *ALL_TYPES)
    report = await load(db, link("OFFICER", "PER1", "M"), link("SHAREHOLDER", "PER1", "E2", 0.1))
    assert report.by_type == only("link", created=2)
    assert Counter(t for t, f, *_ in await relationships(db) if f == "PER1") == {
        "SHAREHOLDER_OF": 2,
        "LEGAL_REPRESENTATIVE_OF": 1,
        "OFFICER_OF": 1,
    }


async def test_the_same_record_twice_in_one_file_with_different_content_is_an_error_naming_both_lines(db):
    await load(db, *ALL_TYPES)
    lines = ndjson(
        batch("B9", quantity=1),
        shipment("S9", "B9", "E2"),
        link("SHAREHOLDER", "PER1", "E3", 0.1),
        batch("B9", quantity=2),
        shipment("S9", "B9", "E3"),
        link("SHAREHOLDER", "PER1", "E3", 0.2),
    )
    report = await import_lines(db, lines)
    assert not report.ok
    assert [(e.line, e.field, e.message) for e in report.errors] == [
        (4, "id", "batch 'B9' is also on line 1 with different content; state each record once per import"),
        (5, "id", "shipment 'S9' is also on line 2 with different content; state each record once per import"),
        (
            6,
            None,
            "link SHAREHOLDER 'PER1' -> 'E3' is also on line 3 with different content; "
            "state each record once per import",
        ),
    ]
    assert await db.read("testing/node", id="B9") == []  # nothing written


async def test_the_same_record_twice_with_the_same_content_is_one_record(db):
    await load(db, *ALL_TYPES)
    # the same content in another key order and spacing is the same record
    same = json.dumps(dict(reversed(list(batch("B9").items()))), indent=None, separators=(" , ", " : "))
    report = await import_lines(db, [json.dumps(batch("B9")), same, json.dumps(link("OFFICER", "PER1", "E3"))] * 2)
    assert report.ok, report.errors
    assert report.by_type == {"batch": Counts(created=1), "link": Counts(created=1)}


async def test_a_known_record_stated_twice_alike_is_one_update(db):
    await load(db, *ALL_TYPES)
    report = await load(db, batch("B1", quantity=6), batch("B1", quantity=6))
    assert report.by_type == only("batch", updated=1)
    assert (await props(db, "B1"))["quantity"] == 6


async def test_errors_are_reported_in_line_order(db):
    await load(db, *ALL_TYPES)
    report = await import_lines(
        db, ndjson(batch("B9", quantity=1), enterprise("X", country="XX"), batch("B9", quantity=2), {"type": "nope"})
    )
    assert [e.line for e in report.errors] == [2, 3, 4]


# --- lines: split at LF only, files decoded line by line -------------------------------------------------------------


async def test_line_and_paragraph_separators_inside_json_strings_do_not_split_a_line(db):
    """str.splitlines() splits at U+2028, U+2029, U+0085, form feeds and more: valid NDJSON breaks there."""
    prose = "Line\u2028separator\u2029paragraph"  # a description may hold them
    text = "\n".join(
        [
            json.dumps(enterprise("M", roles=["MANUFACTURER"]), ensure_ascii=False),
            json.dumps(risk_signal("R1", {"enterprise": "M"}) | {"description": prose}, ensure_ascii=False),
            json.dumps(enterprise("A", name="next\u0085line\x0cfeed"), ensure_ascii=False),  # a name may not
            json.dumps(enterprise("X", country="XX")),
        ]
    )
    report = await import_lines(db, ndjson_lines(text))
    assert [(e.line, e.field) for e in report.errors] == [(3, "name"), (4, "country")]
    assert "U+0085" in report.errors[0].message
    report = await import_lines(db, ndjson_lines("\r\n".join(text.split("\n")[:2]) + "\r\n"))
    assert report.ok, report.errors
    [signal] = await db.read("testing/node", id="R1")
    assert signal["props"]["description"] == prose


def test_file_lines_split_at_lf_drop_a_bom_and_crlf_and_name_undecodable_lines():
    gbk = json.dumps({"type": "enterprise", "id": "G", "name": "新乡市乳业"}, ensure_ascii=False)
    data = b"\xef\xbb\xbf" + b'{"a": "x\xe2\x80\xa8y"}\r\n' + b"\n" + gbk.encode("gb18030") + b"\n" + b"{}"
    lines = list(file_lines(io.BytesIO(data)))
    assert lines[:2] == ['{"a": "x\u2028y"}', ""]
    assert isinstance(lines[2], Unreadable) and "gb18030" in lines[2].reason
    assert lines[3] == "{}"
    assert list(file_lines(io.BytesIO(gbk.encode("gb18030") + b"\n"), "gb18030")) == [gbk]


async def test_an_undecodable_line_is_an_error_of_that_line(db):
    data = (
        json.dumps(enterprise("M")).encode()
        + b"\n"
        + json.dumps(enterprise("G", name="乳业"), ensure_ascii=False).encode("gbk")
    )
    report = await import_lines(db, file_lines(io.BytesIO(data)))
    assert [(e.line, e.field) for e in report.errors] == [(2, None)]
    assert "not valid utf-8" in report.errors[0].message


# --- the cyclic GC pause -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["first in, first out", "first in, last out"])
def test_overlapping_gc_pauses_restore_the_collector_whatever_ends_first(order):
    assert gc.isenabled()
    a, b = gc_paused(), gc_paused()
    a.__enter__()
    b.__enter__()
    assert not gc.isenabled()
    first, last = (a, b) if order == "first in, first out" else (b, a)
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # one pause still runs
    last.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_gc_pause_keeps_a_collector_that_was_off_off():
    gc.disable()
    try:
        with gc_paused(), gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_overlapping_imports_leave_the_cyclic_gc_on(db):
    """A 5-line import and a large one at once (as two requests of a server): the collector must be on after."""
    assert gc.isenabled()
    small = [enterprise(f"S{i}") for i in range(5)]
    results = await asyncio.gather(import_lines(db, ndjson(*small)), import_lines(db, ndjson(*BIG)))
    assert all(r.ok for r in results)
    assert gc.isenabled()


# --- a fault mid-import --------------------------------------------------------------------------------------------


def big_file() -> list[dict[str, Any]]:
    """Over 300 records of every type, so that each pass takes several write batches of 50."""
    records: list[dict[str, Any]] = [enterprise("M", roles=["MANUFACTURER"], country="CN")]
    records += [enterprise(f"E{i}", roles=["RETAILER"]) for i in range(20)]
    records += [person(f"PER{i}") for i in range(10)]
    records += [link("LEGAL_REPRESENTATIVE", f"PER{i}", f"E{i}") for i in range(10)]
    records += [link("SHAREHOLDER", f"E{i}", "M", 0.05) for i in range(10)]
    records += [product(f"P{i}") for i in range(1, 4)]
    records += [lab(), agency()]
    records += [batch(f"RAW{i}", product=f"P{1 + i % 3}") for i in range(100)]
    records += [batch(f"MIX{i}", [(f"RAW{2 * i}", 5), (f"RAW{2 * i + 1}", 6)]) for i in range(50)]
    records += [shipment(f"S{i}", f"MIX{i % 50}", f"E{i % 20}") for i in range(80)]
    records += [lab_report(f"T{i}", f"MIX{i}", "FAIL" if i % 7 == 0 else "PASS") for i in range(30)]
    records += [blacklist(f"K{i}", f"E{i}", serious=i == 0, agency="A1") for i in range(3)]
    records += [risk_signal(f"R{i}", {"batch": f"MIX{i}"}) for i in range(5)]
    return records


BIG = big_file()
# the 11 enterprises links name (E0-E9, M) recomputed whole 5 at a time (3 writes); every shipment's pair holds M, so
# none is left to recompute on its own; then the work items dropped
TIE_WRITES = 4
LAB_FAILURE_WRITES = 1  # one statement raises the LAB_FAILURE signals of the FAIL reports
INCIDENT_WRITES = 1  # one statement links the new signals to their incidents (fewer than a chunk of them)
# write calls of a clean import of BIG with import_batch_size 50: 13 node batches (relationships to earlier types
# with them; a batch of new records has no versions to keep, so none is written before it; new batches are written
# with their inputs, all earlier in the file, so no batch is left to the inputs' pass), 1 of links, then the
# derived state
BIG_WRITES = 14 + TIE_WRITES + LAB_FAILURE_WRITES + INCIDENT_WRITES


class InjectedFault(Exception):
    pass


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("after_calls", [0, 2, 5, 7, 13, 17, BIG_WRITES - 1])
async def test_an_import_interrupted_by_a_fault_completes_when_run_again(db, monkeypatch, after_calls, when):
    """A write fails (before it reaches the server, or after it committed) once `after_calls` writes succeeded;
    running the import again gives exactly the graph a clean import gives."""
    assert len(BIG) > 300
    assert db.settings.import_batch_size == 50
    real_write = db.write

    calls: list[str] = []

    async def counting_write(name: str, **params: Any) -> Any:
        calls.append(name)
        return await real_write(name, **params)

    monkeypatch.setattr(db, "write", counting_write)
    await load(db, *BIG)
    assert len(calls) == BIG_WRITES, calls
    monkeypatch.undo()
    clean_nodes, clean_rels = await nodes(db), await relationships(db)
    # a node per record but links (20), plus 3 credit events (one per listing) and their counter, and the
    # LAB_FAILURE signals of the 5 FAIL reports (T0, T7, ..., T28) of the recognised lab; and each signal's incident
    records = [n for n in clean_nodes if n[0] != "Incident"]
    assert len({(label, id) for label, id, _ in records}) == len(records) == len(BIG) - 20 + 4 + 5
    assert sum(t == "OF_INCIDENT" for t, *_ in clean_rels) == 5 + 5  # every signal in exactly one incident
    assert len({(t, f, to) for t, f, to, _ in clean_rels}) == len(clean_rels)

    await db.write("testing/wipe_all")
    done = 0

    async def flaky_write(name: str, **params: Any) -> Any:
        nonlocal done
        if done == after_calls:
            if when == "after":
                await real_write(name, **params)
            raise InjectedFault(f"injected fault at write {done + 1} ({name}, {when})")
        done += 1
        return await real_write(name, **params)

    monkeypatch.setattr(db, "write", flaky_write)
    with pytest.raises(InjectedFault):
        await import_lines(db, ndjson(*BIG))
    monkeypatch.undo()
    if when == "before":
        partial = await nodes(db), await relationships(db)
        assert partial != (clean_nodes, clean_rels), "the fault must leave the import unfinished"

    report = await load(db, *BIG)
    assert report.created + report.updated + report.unchanged == len(BIG)
    assert await nodes(db) == clean_nodes
    assert await relationships(db) == clean_rels


def forward_inputs() -> list[dict[str, Any]]:
    """A batch whose input comes later in the file, in another write batch of 50: it is created before its input."""
    records: list[dict[str, Any]] = [enterprise("M", roles=["MANUFACTURER"], country="CN"), product("P1")]
    records += [batch("MIX", [("RAW59", 5), ("RAW0", 2)])]
    records += [batch(f"RAW{i}") for i in range(60)]
    return records


@pytest.mark.parametrize("fault", [False, True])
async def test_a_batch_whose_input_comes_later_in_the_file_is_linked_to_it(db, monkeypatch, fault):
    """MIX is created when RAW59 does not exist yet: its inputs are linked by the pass after every batch, also when
    an import stopped before that pass is run again."""
    assert db.settings.import_batch_size == 50
    real_write = db.write

    async def failing_relate(name: str, **params: Any) -> Any:
        if name == "ingest/relate_batch":
            raise InjectedFault("before the inputs' pass")
        return await real_write(name, **params)

    if fault:
        monkeypatch.setattr(db, "write", failing_relate)
        with pytest.raises(InjectedFault):
            await import_lines(db, ndjson(*forward_inputs()))
        monkeypatch.undo()
        assert "RAW59" not in [other for _, other, _ in await rels_of(db, "MIX", "INPUT_TO")]  # it came later
    report = await load(db, *forward_inputs())
    assert report.by_type["batch"] == (Counts(unchanged=61) if fault else Counts(created=61))
    inputs = sorted((outgoing, other, p["quantity"]) for outgoing, other, p in await rels_of(db, "MIX", "INPUT_TO"))
    assert inputs == [(False, "RAW0", 2), (False, "RAW59", 5)]


async def test_records_another_writer_created_after_the_existence_read_are_upserted_once(db, monkeypatch):
    """The import creates the records its read of the stored hashes did not find; if another writer created them in
    between (here: the read is made to miss them), the uniqueness constraint refuses the creation and they are
    upserted instead: counted unchanged, nothing duplicated, no relationship doubled."""
    from graph.ingest import write

    await load(db, *BIG)
    before_nodes, before_rels = await nodes(db), await relationships(db)
    real = write.stored_hashes
    missed: set[str] = set()

    async def stale(graph: Graph, rtype: str, ids: list[str]) -> dict[str, str | None]:
        if rtype in write.CREATED and rtype not in missed:  # the first read of each created type misses them all
            missed.add(rtype)
            return {}
        return await real(graph, rtype, ids)

    monkeypatch.setattr(write, "stored_hashes", stale)
    report = await load(db, *BIG)
    assert missed == set(write.CREATED)
    assert report.created == report.updated == 0
    assert await nodes(db) == before_nodes
    assert await relationships(db) == before_rels


# --- blacklists and credit grades ----------------------------------------------------------------------------------


async def grade(db: Graph, id: str) -> str:
    return (await props(db, id))["creditGrade"]


@pytest.mark.parametrize(
    ("declared", "serious", "expected"),
    [
        (None, None, "DISHONEST"),
        ("REGULAR", False, "DISHONEST"),
        (None, True, "SERIOUSLY_DISHONEST"),
        ("ADVANCED_CERTIFIED", False, "DISHONEST"),
        ("CERTIFIED", True, "SERIOUSLY_DISHONEST"),
        ("DISHONEST", False, "DISHONEST"),
        ("SERIOUSLY_DISHONEST", False, "SERIOUSLY_DISHONEST"),
    ],
)
async def test_a_listing_lowers_the_credit_grade_but_never_raises_it(db, declared, serious, expected):
    extra = {"creditGrade": declared} if declared else {}
    await load(db, enterprise("X", **extra), blacklist("K1", "X", serious))
    assert await grade(db, "X") == expected


async def test_a_listing_in_a_later_import_lowers_an_existing_enterprise(db):
    await load(db, enterprise("X", creditGrade="CERTIFIED"))
    assert await grade(db, "X") == "CERTIFIED"
    await load(db, blacklist("K1", "X"))
    assert await grade(db, "X") == "DISHONEST"
    await load(db, blacklist("K2", "X", serious=True))
    assert await grade(db, "X") == "SERIOUSLY_DISHONEST"
    await load(db, blacklist("K3", "X", serious=False))
    assert await grade(db, "X") == "SERIOUSLY_DISHONEST"


@pytest.mark.parametrize("serious_first", [True, False])
async def test_two_listings_in_one_file_the_worse_one_holds(db, serious_first):
    listings = [blacklist("K1", "X", serious=True), blacklist("K2", "X", serious=False)]
    await load(db, enterprise("X"), *(listings if serious_first else reversed(listings)))
    assert await grade(db, "X") == "SERIOUSLY_DISHONEST"


@pytest.mark.parametrize(
    "again",
    [
        enterprise("X"),  # identical
        enterprise("X", name="Renamed Co."),  # updated
        enterprise("X", creditGrade="ADVANCED_CERTIFIED"),  # declares a better grade
    ],
)
async def test_reimporting_a_listed_enterprise_keeps_the_listings_grade(db, again):
    await load(db, enterprise("X"), blacklist("K1", "X"))
    await load(db, again)
    assert await grade(db, "X") == "DISHONEST"
    await load(db, enterprise("Y"), blacklist("K2", "Y", serious=True))
    await load(db, enterprise("Y", creditGrade="CERTIFIED"))
    assert await grade(db, "Y") == "SERIOUSLY_DISHONEST"


async def test_an_enterprise_and_its_listing_reimported_together_keep_the_grade(db):
    await load(db, enterprise("X"), blacklist("K1", "X", serious=True))
    report = await load(db, enterprise("X", name="Renamed Co."), blacklist("K1", "X", serious=True))
    assert report.by_type == {"enterprise": Counts(updated=1), "blacklist": Counts(unchanged=1)}
    assert await grade(db, "X") == "SERIOUSLY_DISHONEST"


async def test_a_declared_grade_is_kept_without_listings(db):
    await load(db, enterprise("X", creditGrade="ADVANCED_CERTIFIED"), enterprise("Y"))
    assert (await grade(db, "X"), await grade(db, "Y")) == ("ADVANCED_CERTIFIED", "REGULAR")
    await load(db, enterprise("X", creditGrade="CERTIFIED"))
    assert await grade(db, "X") == "CERTIFIED"


async def test_a_listing_links_its_enterprise_and_agency(db):
    await load(db, *ALL_TYPES)
    assert await rels_of(db, "K1", "AGAINST") == [(True, "E3", {})]
    assert await rels_of(db, "K1", "BY") == [(True, "A1", {})]
    assert (await props(db, "K1"))["serious"] is False


# --- test report items ---------------------------------------------------------------------------------------------

ITEMS = [
    {"name": "Melamine", "value": 0.05, "limit": 2.5, "unit": "mg/kg", "pass": True},
    {"name": "Aflatoxin M1", "value": "ND", "limit": 0.5, "unit": "µg/kg", "pass": True},
    {"name": "Enterobacter sakazakii", "value": "detected", "limit": "absent", "pass": False},
    {"name": "Appearance"},
]


async def test_test_report_items_are_stored_and_readable(db):
    await load(db, *ALL_TYPES, lab_report("T2", "B2", "FAIL", items=ITEMS))
    assert json.loads((await props(db, "T2"))["items"]) == ITEMS
    (page,) = await related(db, "batch_test_reports", ["B2"], 10)
    reports = page.items
    by_id = {r.id: r for r in reports}
    assert set(by_id) == {"T1", "T2"}
    t2 = by_id["T2"]
    assert (t2.lab_id, t2.batch_id, t2.result, t2.tested_at) == ("L1", "B2", "FAIL", "2026-03-04")
    assert [(i.name, i.value, i.limit, i.unit, i.passed) for i in t2.items] == [
        ("Melamine", "0.05", "2.5", "mg/kg", True),
        ("Aflatoxin M1", "ND", "0.5", "µg/kg", True),
        ("Enterobacter sakazakii", "detected", "absent", None, False),
        ("Appearance", None, None, None, None),
    ]
    assert by_id["T1"].items == ()


async def test_changed_test_report_items_are_an_update(db):
    await load(db, *ALL_TYPES, lab_report("T2", "B2", items=ITEMS[:1]))
    report = await load(db, lab_report("T2", "B2", items=ITEMS[:2]))
    assert report.by_type == only("test_report", updated=1)
    assert [i["name"] for i in json.loads((await props(db, "T2"))["items"])] == ["Melamine", "Aflatoxin M1"]


# --- progress ------------------------------------------------------------------------------------------------------


async def test_progress_is_reported_with_increasing_done_up_to_total(db):
    seen: list[tuple[str, int, int | None]] = []
    report = await import_lines(
        db, ndjson(*BIG), progress=lambda stage, done, total: seen.append((stage, done, total)), total_lines=len(BIG)
    )
    assert report.ok, report.errors
    validating = [s for s in seen if s[0] == "validating"]
    assert validating == [("validating", len(BIG), len(BIG))]  # lines, at the end of the parse (and every 10 000)
    writing = seen[len(validating) :]
    relating = sum(r["type"] == "batch" for r in BIG)  # batch inputs are written in a second pass
    expected_total = len(BIG) + relating + 2  # and the two derived stages: contagion ties, credit grades
    assert {total for _, _, total in writing} == {expected_total}
    dones = [done for _, done, _ in writing]
    assert dones == sorted(set(dones)), "done must strictly increase"
    assert dones[0] > 0
    assert dones[-1] == expected_total
    # one report per write batch of records (not per keeping of the versions it replaces) and per derived stage
    assert len(writing) == BIG_WRITES - TIE_WRITES - LAB_FAILURE_WRITES - INCIDENT_WRITES + 2
    assert all(isinstance(stage, str) and stage for stage, _, _ in seen)


async def test_an_import_with_errors_reports_only_its_validation(db):
    seen: list[Any] = []
    report = await import_lines(db, ndjson(enterprise("X", country="XX")), progress=lambda *a: seen.append(a))
    assert report.error_count == 1
    assert seen == [("validating", 1, None)]


# --- one fault, one error ----------------------------------------------------------------------------------------


async def test_lines_that_refer_to_a_refused_record_are_not_faults_of_their_own(db):
    await load(db, *BASE)
    report = await import_lines(
        db,
        ndjson(
            enterprise("E1", country="XX"),  # the one fault
            shipment("S1", "B1", "E1"),
            batch("B1", producer="E1"),
            link("OFFICER", "PER9", "E1"),
            {"type": "person", "id": "PER9", "name": "Person PER9", "age": 40},  # a second fault
            link("SHAREHOLDER", "PER9", "M", 0.3),
        ),
    )
    assert [(e.line, e.field) for e in report.errors] == [(1, "country"), (5, "age")]
    assert report.errors[0].message.endswith("(3 other line(s) refer to it: 2, 3, 4)")
    assert report.errors[1].message == "unknown field 'age' (known: type, id, name) (2 other line(s) refer to it: 4, 6)"
    assert report.error_count == 2


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        (
            shipment("S1", "B1", "E1") | {"shipedAt": "x"},
            "shipedAt",
            "unknown field 'shipedAt' (did you mean 'shippedAt'?)",
        ),
        (
            batch("B1", [("B0", 1)]) | {"inputs": [{"batch": "B0", "quantiy": 1}]},
            "inputs[0].quantiy",
            "unknown field 'quantiy' (did you mean 'quantity'?)",
        ),
        (batch("B1", quantity="5"), "quantity", 'Input should be a valid number, got a string "5"'),
        (enterprise("E1", roles="RETAILER"), "roles", 'Input should be a valid array, got a string "RETAILER"'),
    ],
)
async def test_field_errors_say_what_was_meant_and_what_was_sent(db, record, field, message):
    report = await import_lines(db, ndjson(record))
    assert [(e.field, e.message) for e in report.errors if e.field == field] == [(field, message)]


async def test_a_cycle_is_reported_together_with_the_other_errors(db):
    await load(db, *BASE)
    report = await import_lines(
        db, ndjson(batch("A", [("B", 1)]), batch("B", [("A", 1)]), enterprise("X", country="XX"))
    )
    assert sorted(e.field for e in report.errors) == ["country", "inputs"]


# --- dry run -------------------------------------------------------------------------------------------------------


async def test_a_dry_run_counts_what_would_change_and_writes_nothing(db):
    await load(db, *ALL_TYPES)
    before = await nodes(db), await relationships(db)
    replaced = (batch("B1"), link("SHAREHOLDER", "PER1", "M", 0.6))
    changed = [r for r in ALL_TYPES if r not in replaced] + [batch("B1", quantity=7)]
    changed += [enterprise("NEW"), link("SHAREHOLDER", "PER1", "M", 0.7), link("OFFICER", "PER1", "E2")]
    report = await import_lines(db, ndjson(*changed), dry_run=True)
    assert report.ok and report.dry_run
    assert report.by_type["batch"] == Counts(updated=1, unchanged=1)
    assert report.by_type["enterprise"] == Counts(created=1, unchanged=3)
    assert report.by_type["link"] == Counts(created=1, updated=1, unchanged=2)
    assert (await nodes(db), await relationships(db)) == before
    # and what the dry run said is what the import then does
    assert (await import_lines(db, ndjson(*changed))).by_type == report.by_type
