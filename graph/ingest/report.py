"""What an import reports: its errors (each naming its line and field) and its counts per record type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 1000

Progress = Callable[[str, int, int | None], None]  # (stage, done, total; None while the total is unknown)


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
    dry_run: bool = False  # the counts say what the import would do; nothing was written

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
    """Every error found, the first MAX_REPORTED_ERRORS of them kept. One fault is one error: a record refused on
    its own line is remembered, and a reference to it elsewhere only counts as depending on that line."""

    def __init__(self) -> None:
        self.items: list[ImportIssue] = []
        self.count = 0
        self.rejected: dict[tuple[str, str], int] = {}  # (record type, id) of a refused line -> its line
        self._dependents: dict[int, set[int]] = {}

    def add(self, line: int, field_name: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(ImportIssue(line, field_name, message))

    def depends(self, line: int, on: int) -> None:
        """`line` refers to the record refused on line `on`."""
        self._dependents.setdefault(on, set()).add(line)

    def sorted(self) -> list[ImportIssue]:
        """The errors in line order, a refused record's first error saying how many other lines refer to it."""
        noted: set[int] = set()
        out: list[ImportIssue] = []
        for issue in sorted(self.items, key=lambda e: e.line):
            others = self._dependents.get(issue.line, set()) - {issue.line}
            if others and issue.line not in noted:
                noted.add(issue.line)
                lines = ", ".join(str(n) for n in sorted(others)[:5]) + (", ..." if len(others) > 5 else "")
                issue = ImportIssue(
                    issue.line, issue.field, f"{issue.message} ({len(others)} other line(s) refer to it: {lines})"
                )
            out.append(issue)
        return out
