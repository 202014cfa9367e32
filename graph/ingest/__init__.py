"""Bulk import of contract/RECORDS.md records, as a pipeline of stages (graph/ingest/pipeline.py):

    source  numbered lines from text, a file (decoded line by line) or another format's mapped records
    parse   pass 1: each line into a record model, and into the index (rows: its upsert row)
    index   the working set on disk: one record per identity, references, INPUT_TO edges (a temporary SQLite db)
    check   on the index: no identity stated twice unalike, references resolve (import or graph), no INPUT_TO cycle
    write   pass 2, from the index: UNWIND batches per type, in dependency order (preview: a dry run's counts)

Memory holds a chunk of lines or rows at a time, never the file or its records, so a file of any size streams.

Guarantees (RECORDS.md "Import semantics"): any invalid line means nothing is written, and every error names its
line, field and reason; references may point anywhere in the import or at the graph; writes are MERGEs on ids under
uniqueness constraints, so a repeated or interrupted import re-runs to completion with nothing duplicated; a content
hash per record tells created / updated / unchanged. The derived state is graph/imports.py's.
"""

from graph.ingest.report import Counts, ImportIssue, ImportReport, Progress
from graph.ingest.source import SourceLine, Unreadable, file_lines, ndjson_lines

__all__ = [
    "Counts",
    "ImportIssue",
    "ImportReport",
    "Progress",
    "SourceLine",
    "Unreadable",
    "file_lines",
    "ndjson_lines",
]
