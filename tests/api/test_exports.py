"""The spreadsheets a recall coordinator acts on, over real HTTP: GET /recall-scope.csv and .xlsx, GET /recalls/{id}.csv
and .xlsx. The CSV's columns (machine names, added never renamed), integral quantities without ".0", the filename
naming the lots and the date, the XLSX opened with openpyxl (typed cells, frozen header, auto-filter, widths, the
recall's summary block with deadlines in the recall time zone), and formula neutralisation in both."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from api.exports import PROGRESS_COLUMNS, SCOPE_COLUMNS, content_disposition, csv_text, neutralised
from api.exports import Kind as K
from tests.chain import CHAIN
from tests.conftest import batch, enterprise, gql, load, product, shipment

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The chain of tests/chain.py, with what a coordinator acts on: USCCs, regions, roles, Chinese names, declarations,
# and names that a spreadsheet program would run as formulas.
DETAILS = (
    enterprise(
        "BAK",
        name="新乡市好味烘焙有限公司",
        uscc="91410702MAP306MQ4L",
        region="新乡市",
        roles=["MANUFACTURER", "RETAILER"],
    ),
    enterprise("IMP", name="Importer", roles=["IMPORTER"], region="青岛市"),
    enterprise("SHOP", name='=HYPERLINK("http://evil.example","click")'),
    enterprise("CAFE", name="@SUM(1+1)"),
    product("P2", name="+面包"),
    shipment("C3", "POWDER", "BAK", quantity=10_000, from_="IMP", shipped_at="2026-03-04", declaration="4258202610003"),
    batch("BREAD", [("PREMIX", 1_000), ("SUGAR", 300)], product="P2", producer="BAK", quantity=11_520, unit="EA",
          producedAt="2026-03-07T06:30:00+08:00"),
)  # fmt: skip

SCOPE_HEADER = [
    *("consignee_id", "consignee_name", "batch_id", "product_id", "product_name", "producer_id", "producer_name"),
    *("quantity", "forwarded", "used", "on_hand", "unit", "shipments", "first_shipped_at", "last_shipped_at", "depth"),
    *("consignee_uscc", "consignee_region", "consignee_roles", "consignor_ids", "consignor_names", "shipment_ids"),
    *("declarations", "produced_at", "source_ids"),
]
PROGRESS_HEADER = [
    *("recall_id", "recall_class", "consignee_id", "batch_id", "depth", "shipped", "forwarded", "used", "on_hand"),
    *("returned", "outstanding", "unit", "notified", "status"),
    *("consignee_name", "consignee_uscc", "consignee_region", "product_id", "product_name", "unit_effectiveness"),
    *("recall_status", "opened_at", "start_by", "finish_by", "closed_at"),
]


@pytest.fixture
async def api(client, db):
    await load(db, *CHAIN)
    await load(db, *DETAILS)
    return client


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def header_of(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))


def filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)


def today_in_shanghai() -> set[str]:
    """Today in the recall time zone, and tomorrow too in case midnight passes during the request."""
    now = datetime.now(SHANGHAI)
    return {f"{now:%Y%m%d}", f"{now + timedelta(minutes=5):%Y%m%d}"}


def sheet(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content)).active


# --- the recall scope -----------------------------------------------------------------------------------------------


async def test_the_scope_csv_names_who_shipped_what_under_which_declaration_and_keeps_its_columns(api):
    response = await api.get("/recall-scope.csv", params={"batch": "POWDER"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    # The existing columns keep their names and places; new ones come after them.
    assert header_of(response) == SCOPE_HEADER == [c.name for c in SCOPE_COLUMNS]
    rows = {(r["consignee_id"], r["batch_id"]): r for r in csv_rows(response.content.decode("utf-8"))}
    assert list(rows) == [
        ("BAK", "POWDER"),
        ("BAK", "PREMIX"),
        ("CAFE", "BREAD"),
        ("IMP", "POWDER"),
        ("MAK", "POWDER"),
        ("SHOP", "BREAD"),
    ]
    bak = rows["BAK", "POWDER"]
    assert {k: bak[k] for k in SCOPE_HEADER[16:]} == {
        "consignee_uscc": "91410702MAP306MQ4L",
        "consignee_region": "新乡市",
        "consignee_roles": "MANUFACTURER; RETAILER",
        "consignor_ids": "IMP",
        "consignor_names": "Importer",
        "shipment_ids": "C3",
        "declarations": "4258202610003",
        "produced_at": "2026-03-01",
        "source_ids": "POWDER",
    }
    assert bak["consignee_name"] == "新乡市好味烘焙有限公司"
    # Counts of pieces and every integral quantity without ".0"; the lot's production date as the records hold it.
    cafe = rows["CAFE", "BREAD"]
    assert (cafe["quantity"], cafe["on_hand"], cafe["unit"], cafe["forwarded"]) == ("1200", "1200", "EA", "0")
    assert (cafe["consignor_ids"], cafe["shipment_ids"], cafe["declarations"]) == ("BAK", "C6", "")
    assert cafe["produced_at"] == "2026-03-07T06:30:00+08:00"
    assert (rows["BAK", "PREMIX"]["used"], rows["BAK", "PREMIX"]["on_hand"]) == ("1000", "4000")


async def test_a_fractional_quantity_keeps_its_digits(api, db):
    await load(db, shipment("C6", "BREAD", "CAFE", quantity=12.5, from_="BAK", shipped_at="2026-03-08"))
    response = await api.get("/recall-scope.csv", params={"batch": "BREAD"})
    [cafe] = [r for r in csv_rows(response.content.decode("utf-8")) if r["consignee_id"] == "CAFE"]
    assert cafe["quantity"] == "12.5"


async def test_with_several_sources_each_row_says_which_it_descends_from(api):
    response = await api.get("/recall-scope.csv", params=[("batch", "PREMIX"), ("batch", "POWDER")])
    rows = {(r["consignee_id"], r["batch_id"]): r["source_ids"] for r in csv_rows(response.content.decode("utf-8"))}
    assert rows == {
        ("BAK", "POWDER"): "POWDER",
        ("BAK", "PREMIX"): "PREMIX; POWDER",  # in the order they were asked
        ("CAFE", "BREAD"): "PREMIX; POWDER",
        ("IMP", "POWDER"): "POWDER",
        ("MAK", "POWDER"): "POWDER",
        ("SHOP", "BREAD"): "PREMIX; POWDER",
    }


async def test_the_filename_names_up_to_three_lots_then_how_many_more_and_the_date(api, db):
    await load(db, *(batch(f"LOT-{c}", producer="NZ") for c in "ABCDE"))
    lots = [("batch", f"LOT-{c}") for c in "ABCDE"]
    response = await api.get("/recall-scope.csv", params=lots)
    name = filename(response)
    assert re.fullmatch(r"recall-scope-LOT-A_LOT-B_LOT-C\+2-\d{8}\.csv", name), name
    assert name[-12:-4] in today_in_shanghai()
    assert "filename*" not in response.headers["content-disposition"]  # nothing to say beyond ASCII
    two = await api.get("/recall-scope.xlsx", params=lots[:2])
    assert re.fullmatch(r"recall-scope-LOT-A_LOT-B-\d{8}\.xlsx", filename(two))


async def test_a_lot_id_with_path_characters_gives_a_name_without_them(api, db):
    await load(db, batch("LOT/2026:07#3", producer="NZ"))  # ids may hold / : #
    response = await api.get("/recall-scope.csv", params={"batch": "LOT/2026:07#3"})
    assert response.status_code == 200
    assert re.fullmatch(r"recall-scope-LOT_2026_07#3-\d{8}\.csv", filename(response)), filename(response)


def test_a_name_beyond_ascii_gets_an_ascii_filename_and_the_real_one_in_rfc_5987():
    disposition = content_disposition("召回进度-LOT-A-20261201.xlsx")
    assert disposition.isascii()
    assert re.search(r'filename="([^"]+)"', disposition).group(1) == "____-LOT-A-20261201.xlsx"
    real = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    assert unquote(real) == "召回进度-LOT-A-20261201.xlsx"
    assert content_disposition("a.csv") == 'attachment; filename="a.csv"'


async def test_the_scope_xlsx_is_a_typed_sortable_sheet_with_a_frozen_filtered_header(api):
    ws = sheet(await api.get("/recall-scope.xlsx", params={"batch": "POWDER"}))
    header = [c.value for c in ws[1]]
    assert header[0] == "收货人编号 consignee_id"
    assert [h.rsplit(" ", 1)[1] for h in header] == SCOPE_HEADER  # Chinese first, the machine name last
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:Y7"  # the header and six rows
    assert all(c.font.bold for c in ws[1])
    cafe = {h.rsplit(" ", 1)[1]: c for h, c in zip(header, ws[4], strict=True)}
    assert (cafe["consignee_id"].value, cafe["batch_id"].value) == ("CAFE", "BREAD")
    # Numbers are numbers (pieces whole), counts are counts, dates are dates.
    assert cafe["quantity"].value == 1200 and isinstance(cafe["quantity"].value, int)
    assert cafe["quantity"].data_type == "n" and cafe["depth"].value == 2
    assert cafe["first_shipped_at"].value == datetime(2026, 3, 8) and cafe["first_shipped_at"].is_date
    assert cafe["first_shipped_at"].number_format == "yyyy-mm-dd"
    # A date-time keeps its wall time and shows its offset.
    assert cafe["produced_at"].value == datetime(2026, 3, 7, 6, 30)
    assert cafe["produced_at"].number_format == 'yyyy-mm-dd hh:mm:ss "+08:00"'
    kgm = {h.rsplit(" ", 1)[1]: c.value for h, c in zip(header, ws[5], strict=True)}  # IMP, POWDER
    assert (kgm["quantity"], kgm["forwarded"], kgm["on_hand"], kgm["unit"]) == (22_000, 22_000, 0, "KGM")
    # Widths from the contents: the long Chinese name's column is wider than the default, never unbounded.
    widths = {h.rsplit(" ", 1)[1]: ws.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(header)}
    assert 22 <= widths["consignee_name"] <= 60
    assert widths["unit"] < widths["consignee_name"]


async def test_a_name_that_starts_like_a_formula_is_neutralised_in_csv_and_xlsx(api):
    text = (await api.get("/recall-scope.csv", params={"batch": "POWDER"})).content.decode("utf-8")
    rows = {(r["consignee_id"], r["batch_id"]): r for r in csv_rows(text)}
    assert rows["SHOP", "BREAD"]["consignee_name"] == """'=HYPERLINK("http://evil.example","click")"""
    assert rows["CAFE", "BREAD"]["consignee_name"] == "'@SUM(1+1)"
    assert rows["CAFE", "BREAD"]["product_name"] == "'+面包"
    assert rows["BAK", "POWDER"]["consignee_name"] == "新乡市好味烘焙有限公司"  # nothing to neutralise
    ws = sheet(await api.get("/recall-scope.xlsx", params={"batch": "POWDER"}))
    shop = ws["B7"]  # consignee_name of SHOP, BREAD
    assert shop.value == """'=HYPERLINK("http://evil.example","click")"""
    assert shop.data_type == "s"  # text, not a formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_by_the_shared_writer(start):
    assert neutralised(f"{start}cmd") == f"'{start}cmd"
    assert csv_text(K.TEXT, f"{start}cmd", SHANGHAI) == f"'{start}cmd"
    assert csv_text(K.LIST, [f"{start}cmd", "b"], SHANGHAI) == f"'{start}cmd; b"
    assert csv_text(K.TEXT, f"a{start}cmd", SHANGHAI) == f"a{start}cmd"


async def test_bad_requests_name_the_problem(api):
    wrong = await api.get("/recall-scope.pdf", params={"batch": "POWDER"})
    assert wrong.status_code == 400 and "extension" in wrong.json()["error"]["message"]
    missing = await api.get("/recall-scope.xlsx", params={"batch": "NOPE"})
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message"]
    unknown = await api.get("/recalls/RC-NOPE.xlsx")
    assert unknown.status_code == 404 and "RC-NOPE" in unknown.json()["error"]["message"]


# --- a recall's progress report -------------------------------------------------------------------------------------

OPEN = 'mutation { openRecall(batchIds: ["POWDER"], recallClass: II) { id openedAt startBy finishBy } }'
RETURN = """mutation($r: ID!, $e: ID!, $b: ID!, $q: Float!) {
  recordRecallReturn(recallId: $r, enterpriseId: $e, batchId: $b, quantity: $q) { id } }"""
CLOSE = """mutation($id: ID!, $reason: String!) { closeRecall(id: $id, reason: $reason, by: "test-admin") {
  id closedAt } }"""


async def open_and_return(api) -> dict[str, Any]:
    recall = (await gql(api, OPEN))["data"]["openRecall"]
    for e, b, q in (("CAFE", "BREAD", 1_200), ("MAK", "POWDER", 10_000), ("SHOP", "BREAD", 320)):
        assert "errors" not in await gql(api, RETURN, r=recall["id"], e=e, b=b, q=q)
    return recall


def approx(x: float):
    return pytest.approx(x, rel=1e-15)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(SHANGHAI)


async def test_the_progress_csv_carries_names_deadlines_in_the_recall_time_zone_and_each_units_effectiveness(api):
    recall = await open_and_return(api)
    response = await api.get(f"/recalls/{recall['id']}.csv")
    assert response.status_code == 200
    assert header_of(response) == PROGRESS_HEADER == [c.name for c in PROGRESS_COLUMNS]
    rows = csv_rows(response.content.decode("utf-8"))
    cafe = rows[2]
    start_by, finish_by = local(recall["startBy"]), local(recall["finishBy"])
    assert {k: cafe[k] for k in PROGRESS_HEADER[2:]} == {
        "consignee_id": "CAFE",
        "batch_id": "BREAD",
        "depth": "2",
        "shipped": "1200",
        "forwarded": "0",
        "used": "0",
        "on_hand": "1200",
        "returned": "1200",
        "outstanding": "0",
        "unit": "EA",
        "notified": "yes",
        "status": "RETURNED",
        "consignee_name": "'@SUM(1+1)",
        "consignee_uscc": "",
        "consignee_region": "",
        "product_id": "P2",
        "product_name": "'+面包",
        "unit_effectiveness": repr(1_520 / 11_520),  # CAFE's 1 200 and SHOP's 320 of 11 520 pieces
        "recall_status": "OPEN",
        "opened_at": local(recall["openedAt"]).isoformat(timespec="seconds"),
        "start_by": start_by.isoformat(timespec="seconds"),
        "finish_by": finish_by.isoformat(timespec="seconds"),
        "closed_at": "",
    }
    assert cafe["start_by"].endswith("+08:00")
    assert rows[0]["consignee_name"] == "新乡市好味烘焙有限公司" and rows[0]["consignee_uscc"] == "91410702MAP306MQ4L"
    assert [r["unit_effectiveness"] for r in rows if r["unit"] == "KGM"] == [repr(10_000 / 24_000)] * 4
    name = filename(response)
    assert re.fullmatch(rf"{recall['id']}-progress-POWDER-\d{{8}}\.csv", name), name


async def test_the_progress_xlsx_has_a_summary_block_above_a_frozen_filtered_table(api):
    recall = await open_and_return(api)
    closed = (await gql(api, CLOSE, id=recall["id"], reason="召回结束 recall completed"))["data"]["closeRecall"]
    ws = sheet(await api.get(f"/recalls/{recall['id']}.xlsx"))
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:6] == ["召回 recall", recall["id"], "级别 class", "II", "状态 status", "CLOSED"]
    # Deadlines as date-times in Asia/Shanghai, the offset in their number format.
    assert values[1][2] == "启动期限 startBy"
    start_by = ws.cell(2, 4)
    assert start_by.is_date and start_by.number_format == 'yyyy-mm-dd hh:mm "+08:00"'
    expected = local(recall["startBy"]).replace(tzinfo=None)
    assert abs(start_by.value - expected) < timedelta(milliseconds=1)
    assert ws.cell(2, 6).value.date() == local(recall["finishBy"]).date()
    # The summary's dates fit their columns (a date too wide shows as ###), though they sit above narrow ones.
    assert ws.column_dimensions["F"].width >= 23  # finishBy, above `shipped`
    assert values[2][:6] == [
        "关闭 closed",
        ws.cell(3, 2).value,
        "关闭人 closedBy",
        "test-admin",
        "原因 reason",
        "召回结束 recall completed",
    ]
    assert abs(ws.cell(3, 2).value - local(closed["closedAt"]).replace(tzinfo=None)) < timedelta(milliseconds=1)
    # The recall's effectiveness (the smallest of its units) and how many lines were not reached at closing.
    # Not reached: BAK (both lines) and IMP never notified, SHOP with 10 000 pieces still out.
    # (A sheet keeps 16 significant digits: Excel shows 15.)
    assert values[3][:4] == ["召回率 effectiveness", approx(1_520 / 11_520), "未完成 notReached", 4]
    assert ws.cell(4, 2).number_format == "0.0%"
    assert values[4][:8] == [
        "单位 unit",
        "收货量 shipped",
        "转发量 forwarded",
        "使用量 used",
        "现存量 onHand",
        "退回量 returned",
        "未退回量 outstanding",
        "召回率 effectiveness",
    ]
    assert values[5][:8] == ["EA", 11_520, 0, 0, 11_520, 1_520, 10_000, approx(1_520 / 11_520)]
    assert values[6][:8] == ["KGM", 49_000, 22_000, 3_000, 24_000, 10_000, 14_000, approx(10_000 / 24_000)]
    assert values[7] == [None] * len(values[7])
    # The table: its header on row 9, frozen and filtered, one row per line.
    assert [v.rsplit(" ", 1)[1] for v in values[8]] == PROGRESS_HEADER
    assert ws.freeze_panes == "A10"
    assert ws.auto_filter.ref == "A9:Y15"
    line = dict(zip(PROGRESS_HEADER, values[10], strict=True))  # BAK, PREMIX
    assert (line["consignee_id"], line["batch_id"], line["on_hand"], line["outstanding"]) == (
        "BAK",
        "PREMIX",
        4_000,
        4_000,
    )
    assert line["recall_status"] == "CLOSED" and isinstance(line["closed_at"], datetime)
    assert ws.cell(11, PROGRESS_HEADER.index("unit_effectiveness") + 1).number_format == "0.0%"


async def test_an_open_recall_with_nothing_shipped_still_gives_a_sheet(api, db):
    await load(db, batch("ORPHAN", producer="NZ"))
    recall = (await gql(api, 'mutation { openRecall(batchIds: ["ORPHAN"], recallClass: III) { id } }'))["data"]
    rid = recall["openRecall"]["id"]
    ws = sheet(await api.get(f"/recalls/{rid}.xlsx"))
    assert ws.cell(1, 6).value == "OPEN"
    assert ws.cell(3, 2).value == 1.0  # nothing on hand anywhere: 100 %
    assert ws.freeze_panes == "A7" and ws.auto_filter.ref == "A6:Y6"  # no lines: the header alone
    text = (await api.get(f"/recalls/{rid}.csv")).content.decode("utf-8")
    assert text[1:] == ",".join(PROGRESS_HEADER) + "\r\n"
