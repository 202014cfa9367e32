"""What an import reports: its errors (each naming its line and field) and its counts per record type."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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

    def as_json(self, file: str | None = None) -> dict[str, Any]:
        """The report as `tracegraph import --json` prints it and GET /imports/{id} shows it."""
        return {
            "file": file,
            "ok": self.ok,
            "dryRun": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "byType": {t: dataclasses.asdict(c) for t, c in self.by_type.items()},
            "errorCount": self.error_count,
            "errors": [dataclasses.asdict(e) for e in self.errors],
        }


class Errors:
    """Every error found, the first MAX_REPORTED_ERRORS of them kept. One fault is one error: lines that refer to
    a record refused on its own line are counted there (ImportIndex.depend), not reported."""

    def __init__(self) -> None:
        self.items: list[ImportIssue] = []
        self.count = 0

    def add(self, line: int, field_name: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(ImportIssue(line, field_name, message))

    def sorted(self, dependents: Callable[[int], tuple[int, list[int]]]) -> list[ImportIssue]:
        """The errors in line order, a refused record's first error saying how many other lines refer to it
        (`dependents(line)`: how many, and the first few)."""
        noted: set[int] = set()
        out: list[ImportIssue] = []
        for issue in sorted(self.items, key=lambda e: e.line):
            if issue.line not in noted:
                noted.add(issue.line)
                count, first = dependents(issue.line)
                if count:
                    lines = ", ".join(str(n) for n in first) + (", ..." if count > len(first) else "")
                    issue = ImportIssue(
                        issue.line, issue.field, f"{issue.message} ({count} other line(s) refer to it: {lines})"
                    )
            out.append(issue)
        return out
