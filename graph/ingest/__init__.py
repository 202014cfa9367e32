"""Bulk import of contract/RECORDS.md records, as a pipeline of stages (graph/ingest/pipeline.py):

    source  numbered lines from text, a file (decoded line by line) or another format's mapped records
    parse   each line into a record model; one record per identity
    check   references resolve, in the import or the graph; no INPUT_TO cycle
    rows    each record as the parameters of its named upsert statement
    write   UNWIND batches per type, in dependency order

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
