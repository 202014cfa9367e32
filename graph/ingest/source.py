"""Where records come from: numbered lines of NDJSON text or of a file, decoded one at a time.

The pipeline takes any iterable whose n-th item is line n: a line of text, an already-built mapping (records
mapped from another format, such as EPCIS events), or an Unreadable line that becomes that line's error."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


SourceLine = str | Mapping[str, Any] | Unreadable
