"""The spreadsheets a recall coordinator acts on: the recall scope (GET /recall-scope.csv, .xlsx) and a recall's
progress report (GET /recalls/{id}.csv, .xlsx). Each column is defined once, here, and both writers use it:

- CSV, for scripts: the header is the columns' machine names (stable: columns are added at the end, never renamed
  or moved), UTF-8 with a BOM, integral numbers without ".0", instants in ISO 8601 with the recall time zone's
  offset, lists joined by "; ".
- XLSX, for people (spreadsheet programs guess a CSV's encoding; an .xlsx has none to guess): the same columns under
  Chinese-first labels that end in the machine name, typed cells (numbers as numbers, dates as dates, instants as
  date-times in the recall time zone with the offset in their number format), the header row frozen, an auto-filter
  over the table, widths from the contents.

Both neutralise a text cell that starts with =, +, -, @, a tab or a carriage return by putting a single quote in
front of it, so a name in the records can never run as a formula in a spreadsheet program ("CSV injection")."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, BinaryIO, Generic, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from graph.clock import now_ms
from graph.nodes import EnterpriseNode
from graph.recall_scope import ScopeRow
from graph.risk.recalls import Recall, RecallStatus, ReportRow, UnitOutcome

R = TypeVar("R")


class Kind(Enum):
    TEXT = "text"
    LIST = "list"  # texts, joined by "; "
    QUANTITY = "quantity"  # a number in the row's unit
    COUNT = "count"  # a whole number
    SHARE = "share"  # 0..1, a percentage in the sheet
    DATE = "date"  # ISO 8601 date or date-time text, as the records hold it
    INSTANT = "instant"  # epoch ms, shown in the recall time zone
    FLAG = "flag"  # yes / no
    LABEL = "label"  # a summary's label: text, in bold in the sheet


@dataclass(frozen=True)
class Column(Generic[R]):
    name: str  # the CSV header: what scripts read, never renamed
    zh: str  # the Chinese label the sheet shows first
    value: Callable[[R], Any]
    kind: Kind = Kind.TEXT

    @property
    def label(self) -> str:
        return f"{self.zh} {self.name}"


def _name(e: EnterpriseNode | None) -> str | None:
    return e.name if e else None


# The order is the CSV's column list: new columns go at the end.
SCOPE_COLUMNS: list[Column[ScopeRow]] = [
    Column("consignee_id", "收货人编号", lambda r: r.consignee_id),
    Column("consignee_name", "收货人", lambda r: _name(r.consignee)),
    Column("batch_id", "批次号", lambda r: r.holding.batch.id),
    Column("product_id", "产品编号", lambda r: r.holding.batch.product_id),
    Column("product_name", "产品", lambda r: r.product.name if r.product else None),
    Column("producer_id", "生产者编号", lambda r: r.holding.batch.producer_id),
    Column("producer_name", "生产者", lambda r: _name(r.producer)),
    Column("quantity", "收货量", lambda r: r.holding.quantity, Kind.QUANTITY),
    Column("forwarded", "转发量", lambda r: r.holding.forwarded, Kind.QUANTITY),
    Column("used", "使用量", lambda r: r.holding.used, Kind.QUANTITY),
    Column("on_hand", "现存量", lambda r: r.holding.on_hand, Kind.QUANTITY),
    Column("unit", "单位", lambda r: r.holding.unit),
    Column("shipments", "发货次数", lambda r: r.holding.shipments, Kind.COUNT),
    Column("first_shipped_at", "首次发货", lambda r: r.holding.first_shipped_at, Kind.DATE),
    Column("last_shipped_at", "末次发货", lambda r: r.holding.last_shipped_at, Kind.DATE),
    Column("depth", "层级", lambda r: r.holding.depth, Kind.COUNT),
    Column("consignee_uscc", "统一社会信用代码", lambda r: r.consignee.uscc if r.consignee else None),
    Column("consignee_region", "地区", lambda r: r.consignee.region if r.consignee else None),
    Column("consignee_roles", "角色", lambda r: r.consignee.roles if r.consignee else [], Kind.LIST),
    Column("consignor_ids", "发货人编号", lambda r: [i for i, _ in r.consignors], Kind.LIST),
    Column("consignor_names", "发货人", lambda r: [n or "" for _, n in r.consignors], Kind.LIST),
    Column("shipment_ids", "发货单号", lambda r: [s.shipment for s in r.holding.carried], Kind.LIST),
    Column(
        "declarations",
        "报关单号",
        lambda r: list(dict.fromkeys(s.declaration for s in r.holding.carried if s.declaration)),
        Kind.LIST,
    ),
    Column("produced_at", "生产日期", lambda r: r.holding.batch.produced_at, Kind.DATE),
    Column("source_ids", "源批次", lambda r: r.sources, Kind.LIST),
]

PROGRESS_COLUMNS: list[Column[ReportRow]] = [
    Column("recall_id", "召回编号", lambda r: r.recall.id),
    Column("recall_class", "召回级别", lambda r: r.recall.recall_class.value),
    Column("consignee_id", "收货人编号", lambda r: r.line.enterprise_id),
    Column("batch_id", "批次号", lambda r: r.line.batch_id),
    Column("depth", "层级", lambda r: r.line.depth, Kind.COUNT),
    Column("shipped", "收货量", lambda r: r.line.shipped, Kind.QUANTITY),
    Column("forwarded", "转发量", lambda r: r.line.forwarded, Kind.QUANTITY),
    Column("used", "使用量", lambda r: r.line.used, Kind.QUANTITY),
    Column("on_hand", "现存量", lambda r: r.line.on_hand, Kind.QUANTITY),
    Column("returned", "退回量", lambda r: r.line.returned, Kind.QUANTITY),
    Column("outstanding", "未退回量", lambda r: r.line.outstanding, Kind.QUANTITY),
    Column("unit", "单位", lambda r: r.line.unit),
    Column("notified", "已通知", lambda r: r.line.notified, Kind.FLAG),
    Column("status", "处理状态", lambda r: r.line.status.value),
    Column("consignee_name", "收货人", lambda r: _name(r.consignee)),
    Column("consignee_uscc", "统一社会信用代码", lambda r: r.consignee.uscc if r.consignee else None),
    Column("consignee_region", "地区", lambda r: r.consignee.region if r.consignee else None),
    Column("product_id", "产品编号", lambda r: r.batch.product_id if r.batch else None),
    Column("product_name", "产品", lambda r: r.product.name if r.product else None),
    Column("unit_effectiveness", "本单位召回率", lambda r: r.unit.effectiveness, Kind.SHARE),
    Column("recall_status", "召回状态", lambda r: r.recall.status.value),
    Column("opened_at", "发起时间", lambda r: r.recall.opened_at_ms, Kind.INSTANT),
    Column("start_by", "启动期限", lambda r: r.recall.start_by_ms, Kind.INSTANT),
    Column("finish_by", "完成期限", lambda r: r.recall.finish_by_ms, Kind.INSTANT),
    Column("closed_at", "关闭时间", lambda r: r.recall.closed_at_ms, Kind.INSTANT),
]


# --- one cell, either way ------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """The text, with a single quote in front when a spreadsheet program would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: float | int) -> str:
    """A number as scripts read it: 11520, not 11520.0; 0.1 stays 0.1."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _moment(ms: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ms / 1000, zone)


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # +0800
    return f"{text[:3]}:{text[3:]}" if text else ""


def csv_text(kind: Kind, value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if kind in (Kind.QUANTITY, Kind.COUNT, Kind.SHARE):
        return number_text(value)
    if kind is Kind.INSTANT:
        return _moment(value, zone).isoformat(timespec="seconds")
    if kind is Kind.FLAG:
        return "yes" if value else "no"
    if kind is Kind.LIST:
        return neutralised("; ".join(value))
    return neutralised(str(value))


def _sheet_date(text: str) -> tuple[Any, str | None]:
    """An ISO 8601 date or date-time of the records as a sheet value and its number format: a date stays a date; a
    date-time keeps its wall time and shows its offset (a sheet's date-times have no zone)."""
    try:
        day = date.fromisoformat(text)
        return (day, "yyyy-mm-dd") if day.year >= 1900 else (text, None)  # sheets count days from 1900
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text, None
    if moment.year < 1900:
        return text, None
    shown = "yyyy-mm-dd hh:mm:ss"
    if moment.tzinfo is not None:
        shown += f' "{_offset(moment)}"'
    return moment.replace(tzinfo=None), shown


def _sheet_value(kind: Kind, value: Any, zone: ZoneInfo) -> tuple[Any, str | None]:
    """The typed value of a sheet cell and its number format (None: the default)."""
    if value is None:
        return None, None
    if kind is Kind.QUANTITY:
        integral = isinstance(value, float) and value.is_integer() and abs(value) < 2**53
        return (int(value) if integral else value), None
    if kind is Kind.COUNT:
        return value, None
    if kind is Kind.SHARE:
        return value, "0.0%"
    if kind is Kind.DATE:
        return _sheet_date(value)
    if kind is Kind.INSTANT:
        moment = _moment(value, zone)
        return moment.replace(tzinfo=None), f'yyyy-mm-dd hh:mm "{_offset(moment)}"'
    text = csv_text(kind, value, zone)
    return ILLEGAL_CHARACTERS_RE.sub("", text), None  # what XML cannot hold; the records refuse it anyway


def _shown_width(kind: Kind, value: Any, zone: ZoneInfo) -> int:
    """About how many character widths the cell takes on screen (a Chinese character takes two)."""
    if value is None:
        return 0
    if kind is Kind.SHARE:
        return 6  # 100.0%
    if kind is Kind.INSTANT:
        return 23  # 2026-12-01 10:00 +08:00
    if kind is Kind.QUANTITY:
        return len(number_text(value)) + 1  # and room for a digit more than General shows
    text = csv_text(kind, value, zone)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --- the writers ---------------------------------------------------------------------------------------------------


CSV_ROWS_PER_CHUNK = 500  # rows encoded per piece of a streamed CSV: small pieces, few of them


def csv_chunks(columns: Sequence[Column[R]], rows: Iterable[R], zone: ZoneInfo) -> Iterator[bytes]:
    """The CSV a few hundred rows at a time, so a 50 000-row recall is never held whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # A BOM, so spreadsheet programs that open the CSV anyway read the Chinese names as UTF-8.
    out.write("\ufeff")
    writer.writerow([c.name for c in columns])
    for n, r in enumerate(rows, 1):
        writer.writerow([csv_text(c.kind, c.value(r), zone) for c in columns])
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def csv_bytes(columns: Sequence[Column[R]], rows: Iterable[R], zone: ZoneInfo) -> bytes:
    return b"".join(csv_chunks(columns, rows, zone))


SummaryRow = Sequence[tuple[Any, Kind]]
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
MIN_WIDTH, MAX_WIDTH = 8, 60


def _cell(ws: WriteOnlyWorksheet, kind: Kind, value: Any, zone: ZoneInfo) -> Any:
    """The value as the sheet takes it: bare when it needs no style (cheaper), else a styled cell."""
    typed, number_format = _sheet_value(kind, value, zone)
    if number_format is None and kind is not Kind.LABEL:
        return typed
    cell = WriteOnlyCell(ws, value=typed)
    if number_format:
        cell.number_format = number_format
    if kind is Kind.LABEL:
        cell.font = HEADER_FONT
    return cell


def xlsx_file(
    out: BinaryIO,
    title: str,
    columns: Sequence[Column[R]],
    rows: Sequence[R],
    zone: ZoneInfo,
    summary: Sequence[SummaryRow] = (),
) -> None:
    """One sheet, written to `out`: the summary rows (if any) and a blank row, then the table under a frozen,
    filtered header row. Row by row: openpyxl's write-only sheet puts each row on disk as it is appended (its
    strings inline, no shared-string table), so memory does not grow with the rows; the widths come from a first
    pass over the rows, since a sheet's column widths precede its rows."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title)
    widths = [max(MIN_WIDTH, _shown_width(Kind.TEXT, c.label, zone)) for c in columns]
    for r in rows:
        for i, column in enumerate(columns):
            widths[i] = max(widths[i], _shown_width(column.kind, column.value(r), zone))
    # The summary's labels, numbers and dates must fit too (a number too wide shows as ###); free text may run on
    # into the empty cells beside it.
    for line in summary:
        for i, (v, kind) in enumerate(line):
            if kind is not Kind.TEXT and i < len(widths):
                widths[i] = max(widths[i], _shown_width(kind, v, zone))
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = min(MAX_WIDTH, width + 2)
    header_row = len(summary) + 2 if summary else 1
    last = get_column_letter(len(columns))
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(rows)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    for line in summary:
        ws.append([_cell(ws, kind, v, zone) for v, kind in line])
    if summary:
        ws.append([])
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    ws.append(header)
    for r in rows:
        ws.append([_cell(ws, c.kind, c.value(r), zone) for c in columns])
    workbook.save(out)


def xlsx_bytes(
    title: str, columns: Sequence[Column[R]], rows: Sequence[R], zone: ZoneInfo, summary: Sequence[SummaryRow] = ()
) -> bytes:
    out = io.BytesIO()
    xlsx_file(out, title, columns, rows, zone, summary)
    return out.getvalue()


def recall_summary(recall: Recall) -> list[SummaryRow]:
    """What sits above a recall's table in its sheet: the recall, its deadlines, its closing, and its outcome per
    unit (a block a reader takes in before the lines; the CSV carries the same on every row instead)."""
    label, t, instant, share = Kind.LABEL, Kind.TEXT, Kind.INSTANT, Kind.SHARE
    report = recall.final_report
    rows: list[SummaryRow] = [
        [
            ("召回 recall", label),
            (recall.id, t),
            ("级别 class", label),
            (recall.recall_class.value, t),
            ("状态 status", label),
            (recall.status.value, t),
        ],
        [
            ("发起 opened", label),
            (recall.opened_at_ms, instant),
            ("启动期限 startBy", label),
            (recall.start_by_ms, instant),
            ("完成期限 finishBy", label),
            (recall.finish_by_ms, instant),
        ],
    ]
    if recall.status is RecallStatus.CLOSED:
        rows.append(
            [
                ("关闭 closed", label),
                (recall.closed_at_ms, instant),
                ("关闭人 closedBy", label),
                (recall.closed_by, t),
                ("原因 reason", label),
                (recall.close_reason, t),
            ]
        )
    effectiveness = report.effectiveness if report else recall.effectiveness
    not_reached = [("未完成 notReached", label), (len(report.not_reached), Kind.COUNT)] if report else []
    rows.append([("召回率 effectiveness", label), (effectiveness, share), *not_reached])
    rows.append(
        [
            (text, label)
            for text in (
                "单位 unit",
                "收货量 shipped",
                "转发量 forwarded",
                "使用量 used",
                "现存量 onHand",
                "退回量 returned",
                "未退回量 outstanding",
                "召回率 effectiveness",
            )
        ]
    )
    rows.extend(_unit_line(u) for u in recall.outcome_by_unit())
    return rows


def _unit_line(u: UnitOutcome) -> SummaryRow:
    q = Kind.QUANTITY
    return [
        (u.unit, Kind.TEXT),
        (u.shipped, q),
        (u.forwarded, q),
        (u.used, q),
        (u.on_hand, q),
        (u.returned, q),
        (u.outstanding, q),
        (u.effectiveness, Kind.SHARE),
    ]


# --- the response --------------------------------------------------------------------------------------------------

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHOWN_LOTS = 3
LOT_CHARS = 40
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._+#-]")


def export_name(prefix: str, lots: Sequence[str], zone: ZoneInfo, extension: str, now: int | None = None) -> str:
    """prefix-LOT-A_LOT-B_LOT-C+2-20261201.ext: up to three lots, then how many more, and the date in the recall
    time zone."""
    shown = "_".join(lot[:LOT_CHARS] for lot in lots[:SHOWN_LOTS])
    more = f"+{len(lots) - SHOWN_LOTS}" if len(lots) > SHOWN_LOTS else ""
    day = _moment(now if now is not None else now_ms(), zone)
    return _UNSAFE_IN_NAMES.sub("_", f"{prefix}-{shown}{more}-{day:%Y%m%d}.{extension}")


def content_disposition(name: str) -> str:
    """An ASCII-safe filename for every client, and the real one (RFC 5987 filename*) when they differ."""
    fallback = _NOT_ASCII_SAFE.sub("_", name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


FILE_CHUNK = 256 * 1024  # bytes of a built sheet sent at a time


def _sent_and_closed(file: BinaryIO) -> Iterator[bytes]:
    with file:
        while chunk := file.read(FILE_CHUNK):
            yield chunk


def _built_sheet(
    title: str, columns: Sequence[Column[R]], rows: Sequence[R], zone: ZoneInfo, summary: Sequence[SummaryRow]
) -> BinaryIO:
    """The .xlsx in an anonymous temporary file (gone when closed), read from its start. A zip's directory comes
    at its end, so the sheet is built whole before its first byte is sent, but on disk, not in memory."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    try:
        xlsx_file(file, title, columns, rows, zone, summary)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


async def spreadsheet(
    extension: str,
    columns: Sequence[Column[R]],
    rows: Sequence[R],
    zone: ZoneInfo,
    name: str,
    title: str,
    summary: Sequence[SummaryRow] = (),
) -> Response:
    """The table as a CSV or XLSX download, streamed: the CSV is encoded a few hundred rows at a time as it is
    sent, the XLSX built row by row into a temporary file (off the event loop: a large sheet takes a while) and
    sent from there. Either way a recall of 50 000 lots is never held whole in memory (bench/export_memory.py)."""
    headers = {"Content-Disposition": content_disposition(name)}
    if extension == "xlsx":
        file = await asyncio.to_thread(_built_sheet, title, columns, rows, zone, summary)
        body: Iterator[bytes] = _sent_and_closed(file)
    else:
        body = csv_chunks(columns, rows, zone)
    return StreamingResponse(body, media_type=MEDIA_TYPES[extension], headers=headers)
