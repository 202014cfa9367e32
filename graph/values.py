"""The values the graph accepts, as annotated pydantic types: the record models (graph.records) and the mutations'
arguments (graph.errors.valid) use the same ones, so a value refused on one way in is refused on every other.

What they keep out is what once got in and broke reads later: infinite or NaN numbers (JSON's `Infinity`, `NaN`,
`1e400` and 400-digit integers all parse to float infinity, which GraphQL cannot answer), integers a float64
reader cannot hold exactly, NUL and other control characters, blank names, unbounded strings, and instants that
fall outside years 1..9999 once converted to UTC (Python cannot represent them, so every later read failed).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, PlainValidator, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[A-Za-z0-9._:/#-]{1,128}$"
# Records derived from EPCIS events (graph/epcis/derive.py) carry the ids contract/EPCIS.md defines: EPC URNs with
# TDS escapes (`%2F`), product patterns (`.*`), event hashes (`ni:///sha-256;...?ver=CBV2.0`). They are validated
# with the context EPCIS_IDS and may hold any printable ASCII; every other record keeps RECORDS.md's alphabet.
EPCIS_ID_PATTERN = r"^[!-~]{1,512}$"
EPCIS_IDS = {"epcis_ids": True}
_RECORD_ID = re.compile(ID_PATTERN)


def _check_id(value: str, info: ValidationInfo) -> str:
    if not (info.context and info.context.get("epcis_ids")) and not _RECORD_ID.match(value):
        raise PydanticCustomError(
            "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": ID_PATTERN}
        )
    return value


Id = Annotated[str, StringConstraints(pattern=EPCIS_ID_PATTERN), AfterValidator(_check_id)]

# --- numbers ---------------------------------------------------------------------------------------------------

# The largest integer a float64 (JSON readers, Neo4j's FLOAT) holds exactly. As a quantity bound it is
# ~9e15 units, far above any real lot, and it keeps sums of thousands of quantities finite.
MAX_EXACT_INT = 2**53


def _check_finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("should be a finite number (not NaN, Infinity, or beyond ±1.8e308 like 1e400)")
    return value


# allow_inf_nan=False: checked in pydantic-core before the bounds (NaN is "not finite", not "not greater than 0"),
# and at no cost per value, which matters to an import of millions of quantities.
Quantity = Annotated[float, Field(gt=0, le=MAX_EXACT_INT, allow_inf_nan=False)]
Fraction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]  # a share, a probability: (0, 1]

# --- text ------------------------------------------------------------------------------------------------------

# Control characters (C0, DEL, C1), lone surrogates (Neo4j cannot store them) and line/paragraph separators:
# invisible in a name, and they break CSV exports, logs and the line structure of NDJSON.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
# Prose (descriptions, reasons, notes) may also hold tabs and line breaks.
_NOT_IN_PROSE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _checked(value: str, forbidden: re.Pattern[str]) -> str:
    if not value.strip():
        raise ValueError("must not be blank (empty or only spaces)")
    if bad := forbidden.search(value):
        raise ValueError(
            f"must not hold a control character or line break: U+{ord(bad.group()):04X} at position {bad.start()}"
        )
    return value


def _check_line(value: str) -> str:
    return _checked(value, _NOT_IN_A_LINE)


def _check_prose(value: str) -> str:
    return _checked(value, _NOT_IN_PROSE)


_LINE = AfterValidator(_check_line)
ITEM_TEXT_MAX = 256

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000), _LINE]  # names, regions, brands, ...
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64), _LINE]  # declaration numbers
# UN/ECE Recommendation 20 codes are 3 characters; room for local ones.
Unit = Annotated[str, StringConstraints(min_length=1, max_length=16), _LINE]
# A test item's name, unit, or value/limit given as text ("<0.01", "ND").
ItemText = Annotated[str, StringConstraints(min_length=1, max_length=ITEM_TEXT_MAX), _LINE]
Prose = Annotated[str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(_check_prose)]


def _measurement(value: object) -> int | float | str:
    # A plain validator, not a union: one clear error instead of one per member of int | float | str.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("should be a number or a text")
    if isinstance(value, int):
        if abs(value) > MAX_EXACT_INT:
            raise ValueError(
                f"integer beyond ±{MAX_EXACT_INT} (2**53) cannot be kept exactly: send it as a decimal or a text"
            )
        return value
    if isinstance(value, float):
        return _check_finite(value)
    if len(value) > ITEM_TEXT_MAX:
        raise ValueError(f"a text value should have at most {ITEM_TEXT_MAX} characters, not {len(value)}")
    return _check_line(value)


# int before float: a supplier's 1 is echoed as "1", not "1.0".
Measurement = Annotated[int | float | str, PlainValidator(_measurement)]

# --- instants --------------------------------------------------------------------------------------------------


class InstantOutOfRange(ValueError):
    """ISO 8601, but an instant the service cannot represent in UTC."""


# The last whole second of year 9999: epoch ms of an instant later in that second can round up into year 10000.
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def parse_instant(value: str) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime; a date is midnight UTC, a naive time is UTC.
    ValueError when it is not ISO 8601; InstantOutOfRange when the instant in UTC lies before year 1 or after
    LATEST (9999-12-31T23:59:59-14:00 is in year 10000 in UTC)."""
    if "T" not in value and " " not in value:
        day = date.fromisoformat(value)
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        beyond = moment.astimezone(UTC) > LATEST
    except OverflowError:
        beyond = True
    if beyond:
        raise InstantOutOfRange(
            f"{value!r} lies outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z once converted to UTC"
        )
    return moment


def _check_iso_date(value: str) -> str:
    try:
        parse_instant(value)
    except InstantOutOfRange:
        raise
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T08:00:00+08:00)"
        ) from None
    return value


# Dates keep the text the supplier sent; they are checked to be ISO 8601 and representable.
IsoDate = Annotated[str, AfterValidator(_check_iso_date)]
