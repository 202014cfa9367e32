"""What an import reports: its errors (each naming its line and field) and its counts per record type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 1000

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class ImportIssue:
    line: int
    field: str | None
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, created: int, updated: int, unchanged: int) -> None:
        self.created += created
        self.updated += updated
        self.unchanged += unchanged


@dataclass
class ImportReport:
    errors: list[ImportIssue] = field(default_factory=list)
    by_type: dict[str, Counts] = field(default_factory=dict)
    error_count: int = 0  # all errors found; `errors` holds at most MAX_REPORTED_ERRORS of them

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.by_type.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.by_type.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.by_type.values())


class Errors:
    """Every error found, the first MAX_REPORTED_ERRORS of them kept."""

    def __init__(self) -> None:
        self.items: list[ImportIssue] = []
        self.count = 0

    def add(self, line: int, field_name: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(ImportIssue(line, field_name, message))
