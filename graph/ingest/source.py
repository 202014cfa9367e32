"""Where records come from: numbered lines of NDJSON text or of a file, decoded one at a time; and the spool that
turns an uploaded body into such a file.

The pipeline takes any iterable whose n-th item is line n: a line of text, an already-built mapping (records
mapped from another format, such as EPCIS events), or an Unreadable line that becomes that line's error."""

from __future__ import annotations

import codecs
import os
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO


def ndjson_lines(text: str) -> Iterator[str]:
    """The lines of NDJSON text, split at LF (or CRLF) only: JSON strings may hold U+2028, U+0085 or a form
    feed, which str.splitlines() would also split at, breaking the record and every later line number."""
    for line in text.split("\n"):
        yield line.removesuffix("\r")


@dataclass(frozen=True)
class Unreadable:
    """A line of a file that could not be decoded: reported as that line's error, never a traceback."""

    reason: str


def file_lines(stream: BinaryIO, encoding: str = "utf-8") -> Iterator[str | Unreadable]:
    """The lines of an NDJSON file, decoded one at a time (the file's text is never held whole). Split at LF only,
    as ndjson_lines; a UTF-8 byte-order mark at the start is dropped."""
    for number, raw in enumerate(stream, start=1):
        data = raw.removesuffix(b"\n").removesuffix(b"\r")
        if number == 1 and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
            data = data.removeprefix(codecs.BOM_UTF8)
        try:
            yield data.decode(encoding)
        except UnicodeDecodeError as err:
            hint = " (a GB18030/GBK file? pass --encoding gb18030)" if encoding.lower() in ("utf-8", "utf8") else ""
            yield Unreadable(f"not valid {encoding} at byte {err.start + 1}{hint}")


class EpcisRecord(str):
    """A record mapped from EPCIS events (graph/epcis/derive.py), as its JSON line: validated like any other line,
    with the ids contract/EPCIS.md defines (graph/values.py EPCIS_IDS)."""

    __slots__ = ()


SourceLine = str | Mapping[str, Any] | Unreadable


class NotGzip(ValueError):
    """A body said to be gzip that is not (or is cut short)."""


class Spool:
    """A body that arrives in pieces (an HTTP upload), written to a temporary file as it comes, gunzipped on the
    way when it is gzip (one member or several): what is kept on disk is the NDJSON itself, read later with
    file_lines. Counts its lines, so an import job knows its total before it starts. A gzip piece is inflated
    in bounded steps: a small body that inflates to gigabytes is written out, never held."""

    STEP = 1 << 20  # bytes inflated at a time

    def __init__(self, gzipped: bool, directory: str | None = None):
        handle, name = tempfile.mkstemp(prefix="tracegraph-import-", suffix=".ndjson", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(handle, "wb")
        self._inflate = zlib.decompressobj(wbits=31) if gzipped else None
        self._fed = False  # gzip: some compressed data arrived
        self.bytes = 0
        self._newlines = 0
        self._last = b"\n"

    def write(self, piece: bytes) -> None:
        if self._inflate is None:
            self._out(piece)
            return
        self._fed = self._fed or bool(piece)
        try:
            while piece:
                self._out(self._inflate.decompress(piece, self.STEP))
                piece = self._inflate.unconsumed_tail
                if self._inflate.eof:  # another gzip member may follow (concatenated files)
                    piece = self._inflate.unused_data + piece
                    self._inflate = zlib.decompressobj(wbits=31) if piece else self._inflate
        except zlib.error as error:
            raise NotGzip(f"the body is not valid gzip: {error}") from None

    def _out(self, data: bytes) -> None:
        if data:
            self._file.write(data)
            self.bytes += len(data)
            self._newlines += data.count(b"\n")
            self._last = data[-1:]

    def finish(self) -> int:
        """Close the file; the number of lines it holds."""
        self._file.close()
        if self._inflate is not None and self._fed and not self._inflate.eof:
            raise NotGzip("the body is not valid gzip: it ends before the end of its compressed data")
        return self._newlines + (self._last != b"\n")

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
