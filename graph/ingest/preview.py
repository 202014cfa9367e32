"""Dry run, in place of stage 4: what the writes would create, update and leave unchanged, by comparing each
record's content hash with the one its node holds (a link: its share). Nothing is written; the index is read a
chunk at a time."""

from __future__ import annotations

from graph.db import Graph
from graph.ingest.index import ImportIndex, chunks
from graph.ingest.report import Counts, ImportReport
from graph.ingest.rows import LINK_REL_TYPES
from graph.ingest.write import NODE_TYPES
from graph.records import LinkKind

_NOTHING: dict[str, list[object]] = {**{rtype: [] for rtype in NODE_TYPES}, "links": []}


async def preview(graph: Graph, index: ImportIndex, report: ImportReport) -> None:
    """Count in `report` what importing the index would do."""
    size = graph.settings.import_batch_size
    for rtype in NODE_TYPES:
        if not index.count(rtype):
            continue
        counts = report.by_type.setdefault(rtype, Counts())
        async for chunk in chunks(index.hashes(rtype), size):
            row = (await graph.read("ingest/stored_hashes", **{**_NOTHING, rtype: [i for i, _ in chunk]}))[0]
            stored = dict(row[rtype])
            for ident, content in chunk:
                if ident not in stored:
                    counts.created += 1
                elif stored[ident] == content:
                    counts.unchanged += 1
                else:
                    counts.updated += 1
    if not index.count("link"):
        return
    counts = report.by_type.setdefault("link", Counts())
    async for found in chunks(index.links(), size):
        keys = [(LINK_REL_TYPES[LinkKind(link.kind)], link.holder, link.target) for link in found]
        links = [{"relType": rel, "from": holder, "to": to} for rel, holder, to in keys]
        row = (await graph.read("ingest/stored_hashes", **{**_NOTHING, "links": links}))[0]
        shares = {(rel, holder, to): share for rel, holder, to, share in row["links"]}
        for key, link in zip(keys, found, strict=True):
            if key not in shares:
                counts.created += 1
            elif shares[key] == link.share:
                counts.unchanged += 1
            else:
                counts.updated += 1
