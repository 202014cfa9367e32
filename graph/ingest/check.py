"""Stage 2, check: no identity stated twice with different content, every reference resolves (in the import or
the graph), and no batch becomes its own ancestor. Everything is read from the index, in chunks."""

from __future__ import annotations

import asyncio

from graph.db import Graph
from graph.ingest.index import REFERABLE, ImportIndex, chunks, describe
from graph.ingest.report import Errors
from graph.records import LinkKind

# The parameter (and column) of ingest/existing_ids for each kind of reference.
_EXISTING_IDS_PARAM = {
    "enterprise": "enterprises",
    "person": "persons",
    "product": "products",
    "batch": "batches",
    "lab": "labs",
    "agency": "agencies",
}
MAX_TIERS = 200  # the walk up the graph's INPUT_TO edges stops here, far beyond any real bill of materials


def check_duplicates(index: ImportIndex, errors: Errors) -> None:
    """A record stated twice with different content is an error naming both lines: which one the supplier meant
    is unknowable. (Stated twice alike, it is one record: the index keeps the first.)"""
    for line, rtype, ident, first in index.conflicts():
        errors.add(
            line,
            "id" if rtype != "link" else None,
            f"{describe(rtype, ident)} is also on line {first} with different content; "
            "state each record once per import",
        )


async def look_up_outside(graph: Graph, index: ImportIndex) -> None:
    """Ask the graph which of the ids the import refers to but does not hold it has, a chunk at a time."""
    empty: dict[str, list[str]] = {param: [] for param in _EXISTING_IDS_PARAM.values()}
    for kind in REFERABLE:
        async for chunk in chunks(index.outside(kind), graph.settings.import_batch_size):
            if kind == "monitoring_plan":
                index.found_in_graph(kind, (await graph.read("ingest/existing_plans", plans=chunk))[0]["plans"])
                continue
            param = _EXISTING_IDS_PARAM[kind]
            row = (await graph.read("ingest/existing_ids", **{**empty, param: chunk}))[0]
            index.found_in_graph(kind, row[param])


def check_references(index: ImportIndex, errors: Errors) -> None:
    """Every dangling reference is an error of its line, unless it names a record refused on another line: that
    is one fault, reported on its own line (which then says how many lines refer to it)."""
    for line, field_name, kind, ident, refused in index.dangling():
        if refused is not None:
            index.depend(line, on=refused)
        else:
            errors.add(line, field_name, f"{kind} {ident!r} is not in this import nor in the graph")
    for line, kind, holder, to, is_person, is_enterprise, refused in index.link_holders():
        if refused is not None and not (is_person or is_enterprise):
            index.depend(line, on=refused)
            continue
        if kind != LinkKind.SHAREHOLDER:
            if not is_person:
                errors.add(
                    line,
                    "from",
                    f"person {holder!r} is not in this import nor in the graph ({kind} links start at a person)",
                )
        elif is_person and is_enterprise:
            errors.add(line, "from", f"{holder!r} names both a person and an enterprise; it is ambiguous")
        elif not (is_person or is_enterprise):
            errors.add(line, "from", f"{holder!r} is neither a person nor an enterprise in this import or in the graph")
        if holder == to and is_enterprise:
            errors.add(line, "to", "an enterprise cannot hold shares of itself")


async def check_cycles(graph: Graph, index: ImportIndex, errors: Errors) -> None:
    """A batch may not be its own ancestor, counting the import's inputs and the graph's INPUT_TO edges. The
    graph's edges that matter are found by walking up from the batches the import uses as inputs without
    restating them, one level and one chunk at a time."""
    await asyncio.to_thread(index.start_walk)
    try:
        for level in range(MAX_TIERS):
            walked = False
            async for chunk in chunks(index.walk_level(level), graph.settings.import_batch_size):
                walked = True
                rows = await graph.read("ingest/batch_inputs", ids=chunk)
                edges = [(i, row["output"]) for row in rows for i in row["inputs"]]
                await asyncio.to_thread(index.walked, edges, level + 1)
            if not walked:
                break
    finally:
        index.end_walk()
    cycle = await asyncio.to_thread(index.find_cycle)
    if cycle is None:
        return
    lines = [n for b in cycle if (n := index.line_of("batch", b)) is not None]
    errors.add(
        min(lines, default=0),
        "inputs",
        f"a batch may not be its own ancestor: INPUT_TO cycle {' -> '.join(cycle)} (each an input of the next)",
    )
