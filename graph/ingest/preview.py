"""Dry run, in place of stage 4: what the writes would create, update and leave unchanged, by comparing each
record's content hash with the one its node holds (a link: its share). Nothing is written."""

from __future__ import annotations

from graph.db import Graph
from graph.ingest.parse import Latest
from graph.ingest.report import Counts, ImportReport
from graph.ingest.rows import LINK_REL_TYPES, content_hash
from graph.ingest.write import NODE_TYPES
from graph.records import LinkKind


async def preview(graph: Graph, latest: Latest, report: ImportReport) -> None:
    """Count in `report` what importing `latest` would do."""
    links = [p.record for p in latest.get("link", {}).values()]
    row = (
        await graph.read(
            "ingest/stored_hashes",
            **{rtype: list(latest.get(rtype, {})) for rtype in NODE_TYPES},
            links=[{"relType": LINK_REL_TYPES[LinkKind(r.kind)], "from": r.from_, "to": r.to} for r in links],
        )
    )[0]
    for rtype in NODE_TYPES:
        if not latest.get(rtype):
            continue
        stored = dict(row[rtype])
        counts = report.by_type.setdefault(rtype, Counts())
        for ident, p in latest[rtype].items():
            if ident not in stored:
                counts.created += 1
            elif stored[ident] == content_hash(p.record):
                counts.unchanged += 1
            else:
                counts.updated += 1
    if links:
        shares = {(rel, holder, to): share for rel, holder, to, share in row["links"]}
        counts = report.by_type.setdefault("link", Counts())
        for link in links:
            key = (LINK_REL_TYPES[LinkKind(link.kind)], link.from_, link.to)
            if key not in shares:
                counts.created += 1
            elif shares[key] == link.share:
                counts.unchanged += 1
            else:
                counts.updated += 1
