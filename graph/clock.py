"""Time as the graph stores it: epoch milliseconds (UTC), and what is derived from it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime


def now_ms() -> int:
    return int(time.time() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def timestamp(moment: datetime | int) -> str:
    """An instant as the API shows it, ISO 8601 with its offset (+00:00): the one formatter of GraphQL's DateTime
    and of the NDJSON feed, so both carry the very same string. `moment` is a datetime or epoch milliseconds."""
    if isinstance(moment, int):
        moment = from_ms(moment)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def iso(ms: int, timespec: str = "auto") -> str:
    """ISO 8601 in UTC with a Z, as evidence and histories show instants."""
    return from_ms(ms).isoformat(timespec=timespec).replace("+00:00", "Z")


def dated_id(prefix: str, at_ms: int, digits: int = 8) -> str:
    """A readable, unique id for something the service creates: PREFIX-YYYYMMDD-HEX."""
    return f"{prefix}-{from_ms(at_ms):%Y%m%d}-{uuid.uuid4().hex[:digits].upper()}"
