"""No real recall may be refused (issue 15 item 3): a super-spreader ingredient lot (seed/shapes.py, the 2008
milk-powder case) whose recall reaches 10 500 lots and 2 000 consignees, more than the old cap of 10 000 lots, is
answered in full: over GraphQL a page at a time (the paged walk is the full answer, nothing repeated or skipped,
every holding exact), as a streamed spreadsheet (every row, the columns, openpyxl opens it, the export's heap stays
far below the sheet's size), and only a runaway beyond RECALL_MAX_LOTS is refused, with the setting named.
The shape is loaded once for the module; the answers are computed here from its records."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook

from api import exports
from api.main import create_app
from graph.db import Graph
from graph.errors import BadInput
from graph.imports import import_lines
from graph.recall_scope import ScopeRow, recall_rows, recall_scope
from seed.shapes import super_spreader, super_spreader_root
from tests.conftest import asgi_client, gql, ndjson

LOTS, CONSIGNEES = 10_500, 2_000
ROOT = super_spreader_root("SPREAD10K")
RECORDS = list(super_spreader(LOTS, CONSIGNEES, prefix="SPREAD10K"))


def expected_scope(records: list[dict[str, Any]], root: str) -> tuple[list[tuple[int, str]], dict]:
    """(depth, lot) of every affected lot by depth then id, and per consignee {lot: (received, forwarded, used)}."""
    outputs: dict[str, list[str]] = defaultdict(list)
    producer: dict[str, str] = {}
    uses: dict[str, list[tuple[str, float]]] = defaultdict(list)  # input lot -> (maker of the output, quantity)
    for r in records:
        if r["type"] == "batch":
            producer[r["id"]] = r["producer"]
            for i in r.get("inputs", []):
                outputs[i["batch"]].append(r["id"])
                uses[i["batch"]].append((r["producer"], i["quantity"]))
    depth, frontier, level = {root: 0}, [root], 0
    while frontier:
        level += 1
        reached = [o for b in frontier for o in outputs[b] if o not in depth]
        frontier = list(dict.fromkeys(reached))
        depth.update((o, level) for o in frontier)
    holdings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0.0]))
    for r in records:
        if r["type"] == "shipment" and r["batch"] in depth:
            holdings[r["to"]][r["batch"]][0] += r["quantity"]
            holdings[r["from"]][r["batch"]][1] += r["quantity"]
    for lot in depth:
        for maker, quantity in uses[lot]:
            holdings[maker][lot][2] += quantity
    received = {c: {b: tuple(h) for b, h in lots.items() if h[0] > 0} for c, lots in holdings.items()}
    return sorted((d, b) for b, d in depth.items()), {c: lots for c, lots in received.items() if lots}


AFFECTED, HOLDINGS = expected_scope(RECORDS, ROOT)


@pytest.fixture(scope="module")
async def spread(graph: Graph) -> Graph:
    """The graph holding the shape alone, loaded in large import batches (the suite's are small)."""
    # No wipe: every id of the shape carries its own prefix, and the answers here are of those ids alone.
    # A 10 000-lot scope takes seconds, more on a loaded machine than the suite's query timeout allows: the tests
    # are of the answers, not of their speed.
    spread = Graph(
        graph.driver, graph.settings.model_copy(update={"import_batch_size": 10_000, "query_timeout_s": 300})
    )
    report = await import_lines(spread, ndjson(*RECORDS))
    assert report.ok, report.errors[:3]
    return spread


@pytest.fixture(scope="module")
async def spread_client(spread: Graph) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(graph=spread)) as c:
        yield c


def test_the_shape_is_a_super_spreader():
    assert len(AFFECTED) == LOTS and len(HOLDINGS) == CONSIGNEES  # what the generator promises


async def test_a_recall_above_the_old_cap_is_answered_in_full(spread):
    scope = await recall_scope(spread, [ROOT], 10)  # refused before: "holds more than 10000 batches"
    assert [(t.depth, t.batch.id) for t in scope.affected] == AFFECTED
    assert {
        c.enterprise_id: {h.batch.id: (h.quantity, h.forwarded, h.used) for h in c.holdings} for c in scope.consignees
    } == HOLDINGS


PAGES = """
query ($ids: [ID!]!, $a: String, $c: String, $full: Boolean!) {
  recallScope(batchIds: $ids, maxDepth: 10) {
    affectedBatches @include(if: $full) { depth batch { id } }
    affectedBatchesPage(first: 1000, after: $a) { items { depth batch { id } } endCursor hasNextPage }
    consigneesPage(first: 1000, after: $c) {
      items { enterprise { id } holdings { batch { id } quantity forwarded used onHand unit } }
      endCursor hasNextPage
    }
  }
}"""


async def test_graphql_pages_through_every_lot_and_consignee_once(spread_client):
    lots: list[tuple[int, str]] = []
    consignees: dict[str, dict[str, tuple[float, float, float]]] = {}
    seen_consignees: list[str] = []
    a = c = None
    more_lots = more_consignees = True
    full = None
    while more_lots or more_consignees:
        answer = await gql(spread_client, PAGES, ids=[ROOT], a=a, c=c, full=full is None)
        assert "errors" not in answer, answer["errors"]
        scope = answer["data"]["recallScope"]
        if full is None:
            full = [(x["depth"], x["batch"]["id"]) for x in scope["affectedBatches"]]
        if more_lots:
            page = scope["affectedBatchesPage"]
            lots += [(x["depth"], x["batch"]["id"]) for x in page["items"]]
            a, more_lots = page["endCursor"], page["hasNextPage"]
        if more_consignees:
            page = scope["consigneesPage"]
            for item in page["items"]:
                seen_consignees.append(item["enterprise"]["id"])
                consignees[item["enterprise"]["id"]] = {
                    h["batch"]["id"]: (h["quantity"], h["forwarded"], h["used"]) for h in item["holdings"]
                }
                for h in item["holdings"]:
                    assert h["onHand"] == max(0, h["quantity"] - h["forwarded"] - h["used"])
            c, more_consignees = page["endCursor"], page["hasNextPage"]
    assert lots == full == AFFECTED  # every lot once, in the answer's order: no repeat, no skip
    assert seen_consignees == sorted(HOLDINGS)
    assert consignees == HOLDINGS


async def test_a_page_past_the_end_is_empty_and_a_foreign_cursor_is_bad_input(spread_client):
    query = """query ($ids: [ID!]!, $a: String) {
      recallScope(batchIds: $ids) { affectedBatchesPage(first: 5, after: $a) { items { depth } endCursor hasNextPage } }
    }"""
    first = (await gql(spread_client, query, ids=[ROOT], a=None))["data"]["recallScope"]["affectedBatchesPage"]
    assert len(first["items"]) == 5 and first["hasNextPage"]
    bad = await gql(spread_client, query, ids=[ROOT], a="bm90IGEgY3Vyc29y")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "after" in bad["errors"][0]["message"]


def _holding_rows() -> int:
    return sum(len(lots) for lots in HOLDINGS.values())


async def test_the_csv_export_holds_every_row(spread_client):
    response = await spread_client.get("/recall-scope.csv", params={"batch": ROOT, "maxDepth": 10})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [c.name for c in exports.SCOPE_COLUMNS]
    assert len(rows) - 1 == _holding_rows()
    at = {name: i for i, name in enumerate(rows[0])}
    shown = {(r[at["consignee_id"]], r[at["batch_id"]]): r for r in rows[1:]}
    for consignee, lots in HOLDINGS.items():
        for lot, (received, forwarded, used) in lots.items():
            row = shown[consignee, lot]
            assert float(row[at["quantity"]]) == received and float(row[at["forwarded"]]) == forwarded
            assert float(row[at["on_hand"]]) == max(0, received - forwarded - used)


async def test_the_xlsx_export_opens_with_every_row(spread_client):
    response = await spread_client.get("/recall-scope.xlsx", params={"batch": ROOT, "maxDepth": 10})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in exports.SCOPE_COLUMNS]
    assert len(rows) - 1 == _holding_rows()
    assert {r[0] for r in rows[1:]} == set(HOLDINGS)


@pytest.fixture(scope="module")
async def rows(spread: Graph) -> list[ScopeRow]:
    return await recall_rows(spread, [ROOT], 10)


async def _export_peak(extension: str, rows: list[ScopeRow]) -> tuple[int, int]:
    """(peak heap while the export is built and sent, bytes of its body)."""
    zone = ZoneInfo("Asia/Shanghai")
    tracemalloc.start()
    try:
        response = await exports.spreadsheet(extension, exports.SCOPE_COLUMNS, rows, zone, "x", "scope")
        size = 0
        async for chunk in response.body_iterator:
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
async def test_the_export_streams_without_holding_the_sheet(rows, extension):
    """The heap the export adds while its body is built and sent does not grow with the rows: the old export held
    every row's values, the whole sheet and a copy of its bytes (bench/RESULTS.md, export memory). Half the rows and
    all of them peak alike (the body, a compressed zip for xlsx, is no measure of the rows held)."""
    half_peak, half_size = await _export_peak(extension, rows[: len(rows) // 2])
    peak, size = await _export_peak(extension, rows)
    assert size > 1_000_000 and size > 1.8 * half_size
    assert peak < 1.3 * half_peak + 256 * 1024, (
        f"the export's heap peaked at {peak} bytes, {half_peak} for half the rows"
    )


async def test_a_runaway_scope_is_refused_naming_the_guard(spread):
    with pytest.raises(BadInput, match="more than 10499 batches \\(RECALL_MAX_LOTS\\)") as refused:
        await recall_scope(spread, [ROOT], 10, limit=LOTS - 1)
    assert refused.value.argument == "maxDepth"


GUARDED = "query ($ids: [ID!]!) { recallScope(batchIds: $ids) { affectedBatchesPage { endCursor } } }"


async def test_the_guard_is_a_setting_and_graphql_answers_its_error(spread):
    guarded = Graph(spread.driver, spread.settings.model_copy(update={"recall_max_lots": 5_000}))
    async with asgi_client(create_app(graph=guarded)) as c:
        answer = await gql(c, GUARDED, ids=[ROOT])
    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than 5000 batches (RECALL_MAX_LOTS)" in error["message"]
