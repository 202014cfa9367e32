"""Time as the graph stores it: epoch milliseconds (UTC), and what is derived from it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime


def now_ms() -> int:
    return int(time.time() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def iso(ms: int, timespec: str = "auto") -> str:
    """ISO 8601 in UTC with a Z, as evidence and histories show instants."""
    return from_ms(ms).isoformat(timespec=timespec).replace("+00:00", "Z")


def dated_id(prefix: str, at_ms: int, digits: int = 8) -> str:
    """A readable, unique id for something the service creates: PREFIX-YYYYMMDD-HEX."""
    return f"{prefix}-{from_ms(at_ms):%Y%m%d}-{uuid.uuid4().hex[:digits].upper()}"
