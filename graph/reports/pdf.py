"""PDF rendering of the service's documents with fpdf2, Chinese first, English beside it.

A document is a list of blocks (Title, Heading, Paragraph, Facts, Table); `render` lays them out on A4 pages with
a CJK font embedded as a subset (only the glyphs used: a report of a few pages is tens of kilobytes, not the
font's megabytes), so the Chinese text shows and can be copied out on any machine. The font is Settings.report_font
or the first of FONT_CANDIDATES that exists: `make install` installs Debian's fonts-noto-cjk when none does.
Rendering parses the font (seconds): callers run it in a worker thread (`render_async`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from graph.errors import DomainError

# (path, index in a collection): Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order; SC is index 2.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
FONT = "cjk"


class NoCjkFont(DomainError):
    code = "SERVICE_UNAVAILABLE"

    def __init__(self, tried: Sequence[str]):
        super().__init__(
            "no CJK font to embed in the PDF: install Debian's fonts-noto-cjk (make install does) or set "
            f"REPORT_FONT to a TrueType/OpenType file (tried {', '.join(tried)})"
        )


def locate_font(configured: str = "") -> tuple[str, int]:
    """The font file and collection index to embed: REPORT_FONT ("path" or "path#index") or the first candidate
    that exists."""
    if configured:
        path, _, number = configured.partition("#")
        if not Path(path).is_file():
            raise NoCjkFont([path])
        return path, int(number or 0)
    for candidate, index in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate, index
    raise NoCjkFont([p for p, _ in FONT_CANDIDATES])


@dataclass(frozen=True)
class Title:
    zh: str
    en: str


@dataclass(frozen=True)
class Heading:
    zh: str
    en: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Facts:
    """Label: value lines (labels bilingual, "中文 English")."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    empty: str = "无 none"


Block = Title | Heading | Paragraph | Facts | Table


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text}   {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def render(blocks: Sequence[Block], footer: str, font: tuple[str, int]) -> bytes:
    pdf = _Document(format="A4")
    pdf.footer_text = footer
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    path, index = font
    pdf.add_font(FONT, fname=path, collection_font_number=index)
    pdf.add_page()
    for block in blocks:
        match block:
            case Title(zh, en):
                pdf.set_font(FONT, size=16)
                pdf.multi_cell(0, 9, zh, new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.set_font(FONT, size=12)
                pdf.multi_cell(0, 7, en, new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(3)
            case Heading(zh, en):
                pdf.ln(2)
                pdf.set_font(FONT, size=12)
                pdf.multi_cell(0, 7, f"{zh}  {en}", new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(1)
            case Paragraph(text):
                pdf.set_font(FONT, size=9)
                pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(1)
            case Facts(rows):
                pdf.set_font(FONT, size=9)
                for label, value in rows:
                    pdf.multi_cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.ln(1)
            case Table(headers, rows, empty):
                pdf.set_font(FONT, size=8)
                if not rows:
                    pdf.multi_cell(0, 5, empty, new_x="LMARGIN", new_y="NEXT", align="L")
                    continue
                # the header row as a plain row: a bold heading would need a bold face of the font, parsed again
                with pdf.table(
                    cell_fill_color=235,
                    cell_fill_mode=TableCellFillMode.ROWS,
                    line_height=4.5,
                    padding=1,
                    first_row_as_headings=False,
                ) as table:
                    table.row([str(h) for h in headers])
                    for row in rows:
                        table.row([str(c) for c in row])
                pdf.ln(2)
    return bytes(pdf.output())


async def render_async(blocks: Sequence[Block], footer: str, font: tuple[str, int]) -> bytes:
    return await asyncio.to_thread(render, blocks, footer, font)
