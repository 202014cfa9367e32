"""The import's working set, on disk, so that an import's memory does not grow with its file.

Pass 1 (parse) hands every valid record to the index, which keeps what the later stages need: per identity its
first line, content hash and upsert row (pickled); the references each record makes; the INPUT_TO edges; the
links; the refused records and the lines that refer to them. Check, preview and write then read it back in chunks.

It is a private temporary SQLite database (sqlite3.connect(""): its file lives in TMPDIR and is deleted when the
connection closes). While small it stays in SQLite's page cache, bounded by CACHE_KIB; beyond that it spills to
the file, so an import needs about its file's size of free space in TMPDIR. The index is written and read by one
import at a time, from one thread at a time (the pipeline's stages run in order), but for the writes, which read
the next chunk while noting the batches the last one left unrelated: SQLite serialises the two (its default
threading mode, sqlite3.threadsafety 3).
"""

from __future__ import annotations

import asyncio
import pickle
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from graph import records as rec
from graph.ingest.rows import content_hash, relation_row, upsert_row
from graph.risk.channels import REPORTER_REFERENCE, MandatoryReport, ReporterRole

CACHE_KIB = 32 * 1024  # SQLite's page cache for the index: what the index may hold in memory
REFERABLE = (
    "enterprise",
    "person",
    "product",
    "batch",
    "lab",
    "agency",
    "monitoring_plan",
)  # types that records refer to

_SCHEMA = """
CREATE TABLE record (                  -- one per identity: the first line that states it
  line INTEGER PRIMARY KEY, type TEXT NOT NULL, ident TEXT NOT NULL, hash TEXT NOT NULL, row BLOB
);
CREATE UNIQUE INDEX record_identity ON record (type, ident);
CREATE INDEX record_type ON record (type);  -- (type, line): each type in line order
CREATE TABLE repeat (                  -- later lines that state an identity again
  line INTEGER PRIMARY KEY, type TEXT NOT NULL, ident TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE ref (line INTEGER NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, ident TEXT NOT NULL);
CREATE TABLE link (
  line INTEGER PRIMARY KEY, kind TEXT NOT NULL, holder TEXT NOT NULL, target TEXT NOT NULL, share REAL
);
CREATE TABLE edge (input TEXT NOT NULL, output TEXT NOT NULL);  -- INPUT_TO: the import's, then the graph's
CREATE INDEX edge_input ON edge (input);
CREATE TABLE failed (id TEXT NOT NULL);        -- FAIL test reports (their LAB_FAILURE signals)
CREATE TABLE listed (enterprise TEXT NOT NULL);  -- enterprises of the blacklist entries (their grades)
CREATE TABLE in_graph (kind TEXT, ident TEXT, PRIMARY KEY (kind, ident)) WITHOUT ROWID;
CREATE TABLE rejected (type TEXT, ident TEXT, line INTEGER NOT NULL, PRIMARY KEY (type, ident)) WITHOUT ROWID;
CREATE TABLE dependent (on_line INTEGER NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (on_line, line)) WITHOUT ROWID;
CREATE TABLE unrelated (ident TEXT PRIMARY KEY) WITHOUT ROWID;  -- batches whose inputs the write left to link
"""

# Only the cycle walk needs edges by output: made when it runs, so the inserts never maintain it.
_EDGE_OUTPUT_INDEX = """
CREATE INDEX IF NOT EXISTS edge_output ON edge (output);
"""

# The references that no record of the import resolves, in the order they were made: one pass over every reference
# (most resolve within the import), after which the lookups in the graph and the dangling check read this set.
_UNRESOLVED = """
CREATE TABLE unresolved AS SELECT f.rowid AS ord, f.line, f.field, f.kind, f.ident FROM ref f
WHERE NOT EXISTS (SELECT 1 FROM record r WHERE r.type = f.kind AND r.ident = f.ident);
CREATE INDEX unresolved_kind ON unresolved (kind, ident);
"""
# A reference is known when its target is a record of the import or a node the graph already has.
_DANGLING = """
SELECT f.line, f.field, f.kind, f.ident, x.line FROM unresolved f
LEFT JOIN rejected x ON x.type = f.kind AND x.ident = f.ident
WHERE NOT EXISTS (SELECT 1 FROM in_graph g WHERE g.kind = f.kind AND g.ident = f.ident)
ORDER BY f.ord
"""
_LINK_HOLDERS = """
SELECT l.line, l.kind, l.holder, l.target,
  EXISTS (SELECT 1 FROM record r WHERE r.type = 'person' AND r.ident = l.holder)
    OR EXISTS (SELECT 1 FROM in_graph g WHERE g.kind = 'person' AND g.ident = l.holder),
  EXISTS (SELECT 1 FROM record r WHERE r.type = 'enterprise' AND r.ident = l.holder)
    OR EXISTS (SELECT 1 FROM in_graph g WHERE g.kind = 'enterprise' AND g.ident = l.holder),
  coalesce((SELECT line FROM rejected WHERE type = 'person' AND ident = l.holder),
           (SELECT line FROM rejected WHERE type = 'enterprise' AND ident = l.holder))
FROM link l ORDER BY l.line
"""
_LINKS = """
SELECT l.line, l.kind, l.holder, l.target, l.share,
  EXISTS (SELECT 1 FROM record r WHERE r.type = 'person' AND r.ident = l.holder)
    OR EXISTS (SELECT 1 FROM in_graph g WHERE g.kind = 'person' AND g.ident = l.holder)
FROM link l ORDER BY l.line
"""
_CONFLICTS = """
SELECT p.line, p.type, p.ident, r.line FROM repeat p JOIN record r ON r.type = p.type AND r.ident = p.ident
WHERE p.hash <> r.hash ORDER BY p.line
"""
# The ids of a kind that records refer to and the import does not hold; a link's holder may be either kind.
_OUTSIDE = "SELECT DISTINCT ident FROM unresolved WHERE kind = :kind ORDER BY 1"
_OUTSIDE_OR_HOLDER = """
SELECT ident FROM unresolved WHERE kind = :kind
UNION SELECT holder FROM link l WHERE NOT EXISTS (SELECT 1 FROM record r WHERE r.type = :kind AND r.ident = l.holder)
ORDER BY 1
"""


def references(record: Any) -> Iterator[tuple[str, str, str]]:
    """(field path, kind of target, target id) of every reference a record makes but a link's holder, whose kind
    (person or enterprise) is decided by what exists (check.py)."""
    match record:
        case rec.Batch():
            yield "product", "product", record.product
            yield "producer", "enterprise", record.producer
            for i, item in enumerate(record.inputs):
                yield f"inputs[{i}].batch", "batch", item.batch
        case rec.Shipment():
            yield "batch", "batch", record.batch
            yield "from", "enterprise", record.from_
            yield "to", "enterprise", record.to
        case rec.TestReport():
            yield "lab", "lab", record.lab
            yield "batch", "batch", record.batch
            if record.plan is not None:
                yield "plan", "monitoring_plan", record.plan
        case rec.MonitoringPlan():
            for i, agency in enumerate(record.agencies):
                yield f"agencies[{i}]", "agency", agency
        case rec.Blacklist():
            yield "enterprise", "enterprise", record.enterprise
            if record.agency is not None:
                yield "agency", "agency", record.agency
        case rec.Link():
            yield "to", "enterprise", record.to
        case rec.RiskSignal():
            yield f"subject.{record.subject.kind}", record.subject.kind, record.subject.ref
            if isinstance(record.channel, MandatoryReport):
                yield (
                    "channel.reporter",
                    REPORTER_REFERENCE[ReporterRole(record.channel.reporterRole)],
                    record.channel.reporter,
                )


def identity(record: Any) -> str:
    """A record's identity as text: its id, or for a link its kind, holder and target (ids hold no space)."""
    return " ".join(record.identity) if isinstance(record, rec.Link) else record.id


def describe(rtype: str, ident: str) -> str:
    if rtype == "link":
        kind, holder, to = ident.split(" ")
        return f"link {kind} {holder!r} -> {to!r}"
    return f"{rtype} {ident!r}"


# What the index keeps of a valid record, computed from the record alone (so also in a worker process, parse.py):
# (line, type, identity, content hash, pickled (upsert row, relation row) or None for a link, references as
# (field, kind, id), a link's (kind, holder, target, share) or None, INPUT_TO edges (input, output), the id of a
# FAIL test report or None, the enterprise of a blacklist entry or None).
Entry = tuple[
    int,
    str,
    str,
    str,
    bytes | None,
    list[tuple[str, str, str]],
    tuple[str, str, str, float | None] | None,
    list[tuple[str, str]],
    str | None,
    str | None,
]


def entries(pending: list[tuple[int, Any]]) -> list[Entry]:
    """The index entries of (line, valid record) pairs."""
    out: list[Entry] = []
    for line, record in pending:
        refs = list(references(record))
        if isinstance(record, rec.Link):
            link = (record.kind, record.from_, record.to, record.share)
            out.append((line, "link", identity(record), content_hash(record), None, refs, link, [], None, None))
            continue
        row = upsert_row(record)
        # A batch's inputs are written with it when they exist by then, else by a pass of their own (write.py),
        # from its relation row.
        is_batch = isinstance(record, rec.Batch)
        rows = pickle.dumps((row, relation_row(record) if is_batch else None), pickle.HIGHEST_PROTOCOL)
        edges = [(i.batch, record.id) for i in record.inputs] if is_batch else []
        failed = record.id if isinstance(record, rec.TestReport) and record.result == rec.TestResult.FAIL else None
        listed = record.enterprise if isinstance(record, rec.Blacklist) else None
        out.append((line, record.type, record.id, row["hash"], rows, refs, None, edges, failed, listed))
    return out


@dataclass(frozen=True)
class LinkRow:
    line: int
    kind: str
    holder: str
    target: str
    share: float | None
    holder_is_person: bool  # else the holder is an enterprise


T = TypeVar("T")


async def chunks(rows: Iterator[T], size: int) -> AsyncIterator[list[T]]:
    """`rows` in lists of `size`, each read in a worker thread: reading the index may take a while on a large
    import, and a server's event loop must not wait for it."""

    def take() -> list[T]:
        return list(islice(rows, size))

    while chunk := await asyncio.to_thread(take):
        yield chunk


class ImportIndex:
    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        # A scratch database: no journal, no syncs (a crash loses nothing the import needs again); larger pages
        # suit the rows of its main table.
        for pragma in (
            "page_size = 16384",
            f"cache_size = -{CACHE_KIB}",
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self._pending: list[tuple[int, Any]] = []
        self._resolved = False

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ImportIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- pass 1 --------------------------------------------------------------------------------------------------

    def add(self, line: int, record: Any) -> None:
        """A valid record of `line`; kept until flush()."""
        self._pending.append((line, record))

    def flush(self) -> None:
        """Store the records added since the last flush."""
        pending, self._pending = self._pending, []
        self.store(entries(pending))

    def store(self, entries: list[Entry]) -> None:
        """Store entries (of lines in increasing order, after every line stored before). A record whose identity an
        earlier line stated is kept only as a repeat (its hash, for the duplicate check), and its references are not
        checked again."""
        if not entries:
            return
        db = self.db
        db.execute("BEGIN")
        # The unique index keeps the first line of each identity; a line it ignored is a repeat.
        db.executemany("INSERT OR IGNORE INTO record VALUES (?, ?, ?, ?, ?)", (e[:5] for e in entries))
        stored = "SELECT line FROM record WHERE line BETWEEN ? AND ?"
        kept = {n for (n,) in db.execute(stored, (entries[0][0], entries[-1][0]))}
        db.executemany("INSERT INTO repeat VALUES (?, ?, ?, ?)", (e[:4] for e in entries if e[0] not in kept))
        fresh = [e for e in entries if e[0] in kept]
        db.executemany("INSERT INTO ref VALUES (?, ?, ?, ?)", ((e[0], *ref) for e in fresh for ref in e[5]))
        db.executemany("INSERT INTO link VALUES (?, ?, ?, ?, ?)", ((e[0], *e[6]) for e in fresh if e[6] is not None))
        db.executemany("INSERT INTO edge VALUES (?, ?)", (edge for e in fresh for edge in e[7]))
        db.executemany("INSERT INTO failed VALUES (?)", ((e[8],) for e in fresh if e[8] is not None))
        db.executemany("INSERT INTO listed VALUES (?)", ((e[9],) for e in fresh if e[9] is not None))
        db.execute("COMMIT")

    def reject(self, rtype: str, ident: str, line: int) -> None:
        """The record `rtype` `ident` was refused on `line` (the first such line counts)."""
        self.db.execute("INSERT OR IGNORE INTO rejected VALUES (?, ?, ?)", (rtype, ident, line))

    def depend(self, line: int, on: int) -> None:
        """`line` refers to the record refused on line `on`: not a fault of its own."""
        self.db.execute("INSERT OR IGNORE INTO dependent VALUES (?, ?)", (on, line))

    def dependents(self, line: int, shown: int = 5) -> tuple[int, list[int]]:
        """How many other lines refer to the record refused on `line`, and the first `shown` of them."""
        (count,) = self.db.execute(
            "SELECT count(*) FROM dependent WHERE on_line = ? AND line <> ?", (line, line)
        ).fetchone()
        first = self.db.execute(
            "SELECT line FROM dependent WHERE on_line = ? AND line <> ? ORDER BY line LIMIT ?", (line, line, shown)
        ).fetchall()
        return count, [n for (n,) in first]

    # --- check ---------------------------------------------------------------------------------------------------

    def conflicts(self) -> Iterator[tuple[int, str, str, int]]:
        """(line, type, identity, first line) of each repeat whose content differs from the first statement."""
        yield from self.db.execute(_CONFLICTS)

    def outside(self, kind: str) -> Iterator[str]:
        """The ids of `kind` that records refer to and the import does not hold (to look up in the graph);
        a link's holder counts as both a person and an enterprise."""
        self._resolve()
        query = _OUTSIDE_OR_HOLDER if kind in ("person", "enterprise") else _OUTSIDE
        yield from (ident for (ident,) in self.db.execute(query, {"kind": kind}))

    def _resolve(self) -> None:
        """The unresolved references, once every line is in (the checks run after the parse)."""
        if not self._resolved:
            self.db.executescript(_UNRESOLVED)
            self._resolved = True

    def found_in_graph(self, kind: str, idents: list[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO in_graph VALUES (?, ?)", ((kind, i) for i in idents))

    def dangling(self) -> Iterator[tuple[int, str, str, str, int | None]]:
        """(line, field, kind, id, line that refused it or None) of each reference known neither to the import nor
        to the graph, in line order."""
        self._resolve()
        yield from self.db.execute(_DANGLING)

    def link_holders(self) -> Iterator[tuple[int, str, str, str, bool, bool, int | None]]:
        """(line, kind, holder, target, holder is a person, holder is an enterprise, line that refused a record
        of the holder's id or None) of each link, in line order."""
        yield from self.db.execute(_LINK_HOLDERS)

    def start_walk(self) -> None:
        """Level 0 of the walk up the graph's INPUT_TO edges: the batches that are inputs in the import, exist in
        the graph and are not restated by it. Only through them can the graph's edges close a cycle with the
        import's (the graph's edges into a restated batch are replaced by its inputs in the import)."""
        self.db.executescript(
            """
            CREATE TABLE walk (id TEXT PRIMARY KEY, level INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX walk_level ON walk (level, id);
            INSERT INTO walk SELECT DISTINCT e.input, 0 FROM edge e
              JOIN in_graph g ON g.kind = 'batch' AND g.ident = e.input
              WHERE NOT EXISTS (SELECT 1 FROM record r WHERE r.type = 'batch' AND r.ident = e.input);
            """
        )

    def walk_level(self, level: int) -> Iterator[str]:
        """The batches of one level of the walk (the next level is added while this one is read)."""
        query = "SELECT id FROM walk WHERE level = ? AND id > ? ORDER BY id LIMIT 1000"
        after = ""
        while page := [ident for (ident,) in self.db.execute(query, (level, after))]:
            yield from page
            after = page[-1]

    def walked(self, edges: list[tuple[str, str]], level: int) -> None:
        """The graph's INPUT_TO edges (input, output) into batches of the walk: kept for the cycle check; the
        inputs not restated by the import and not walked yet are the next level."""
        self.db.executemany("INSERT INTO edge VALUES (?, ?)", edges)
        self.db.executemany(
            "INSERT OR IGNORE INTO walk SELECT ?, ? WHERE NOT EXISTS"
            " (SELECT 1 FROM record WHERE type = 'batch' AND ident = ?)",
            ((i, level, i) for i, _ in edges),
        )

    def end_walk(self) -> None:
        self.db.execute("DROP TABLE walk")

    def find_cycle(self) -> list[str] | None:
        """One INPUT_TO cycle among the edges (each batch an input of the next, the first repeated at the end), or
        None. Kahn's algorithm in SQL, one round per layer of batches whose inputs are all placed: the working set
        stays on disk whatever the number of edges."""
        db = self.db
        db.executescript(
            """
            CREATE TABLE indegree (node TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO indegree SELECT output, count(*) FROM edge GROUP BY output;
            CREATE TABLE ready (node TEXT PRIMARY KEY) WITHOUT ROWID;
            INSERT INTO ready SELECT DISTINCT input FROM edge WHERE input NOT IN (SELECT node FROM indegree);
            CREATE TABLE drop_by (node TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
            """
        )
        while db.execute("SELECT EXISTS (SELECT 1 FROM ready)").fetchone()[0]:
            db.executescript(
                """
                INSERT INTO drop_by SELECT e.output, count(*) FROM ready r JOIN edge e ON e.input = r.node
                  GROUP BY e.output;
                UPDATE indegree SET n = indegree.n - d.n FROM drop_by d WHERE indegree.node = d.node;
                DELETE FROM ready;
                INSERT INTO ready SELECT i.node FROM drop_by d JOIN indegree i ON i.node = d.node WHERE i.n = 0;
                DELETE FROM indegree WHERE node IN (SELECT node FROM ready);
                DELETE FROM drop_by;
                """
            )
        try:
            start = db.execute("SELECT node FROM indegree LIMIT 1").fetchone()
            if start is None:
                return None
            # Every batch left has an input left: walk inputs backwards until a batch comes again.
            db.execute(_EDGE_OUTPUT_INDEX)
            walk: dict[str, int] = {}
            node = start[0]
            while node not in walk:
                walk[node] = len(walk)
                node = db.execute(
                    "SELECT e.input FROM edge e JOIN indegree i ON i.node = e.input WHERE e.output = ? LIMIT 1",
                    (node,),
                ).fetchone()[0]
            back = list(walk)[walk[node] :]  # from the repeated batch, each an output of the next
            return [back[0], *reversed(back[1:]), back[0]]
        finally:
            db.executescript("DROP TABLE indegree; DROP TABLE ready; DROP TABLE drop_by;")

    def line_of(self, rtype: str, ident: str) -> int | None:
        row = self.db.execute("SELECT line FROM record WHERE type = ? AND ident = ?", (rtype, ident)).fetchone()
        return row[0] if row else None

    # --- write and preview ---------------------------------------------------------------------------------------

    def count(self, rtype: str | None = None) -> int:
        if rtype is None:
            return self.db.execute("SELECT count(*) FROM record").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM record WHERE type = ?", (rtype,)).fetchone()[0]

    def rows(self, rtype: str) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        """(upsert row, relation row of a batch or None) of each record of `rtype`, in line order."""
        cursor = self.db.execute("SELECT row FROM record INDEXED BY record_type WHERE type = ? ORDER BY line", (rtype,))
        yield from (pickle.loads(row) for (row,) in cursor)

    def leave_unrelated(self, idents: list[str]) -> None:
        """Batches whose inputs their write did not link (ingest/relate_batch links them after every batch)."""
        self.db.executemany("INSERT OR IGNORE INTO unrelated VALUES (?)", ((i,) for i in idents))

    def unrelated_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM unrelated").fetchone()[0]

    def unrelated_rows(self) -> Iterator[dict[str, Any]]:
        """The relation row of each batch left unrelated, in line order."""
        cursor = self.db.execute(
            "SELECT r.row FROM unrelated u JOIN record r ON r.type = 'batch' AND r.ident = u.ident ORDER BY r.line"
        )
        yield from (pickle.loads(row)[1] for (row,) in cursor)

    def hashes(self, rtype: str) -> Iterator[tuple[str, str]]:
        """(id, content hash) of each record of `rtype`."""
        yield from self.db.execute(
            "SELECT ident, hash FROM record INDEXED BY record_type WHERE type = ? ORDER BY line", (rtype,)
        )

    def links(self) -> Iterator[LinkRow]:
        for line, kind, holder, to, share, person in self.db.execute(_LINKS):
            yield LinkRow(line, kind, holder, to, share, bool(person))

    def failed_reports(self) -> Iterator[str]:
        yield from (ident for (ident,) in self.db.execute("SELECT id FROM failed"))

    def listed_enterprises(self) -> Iterator[str]:
        yield from (ident for (ident,) in self.db.execute("SELECT DISTINCT enterprise FROM listed"))
