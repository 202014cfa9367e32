"""Stage 2, check: every reference resolves (in the import or the graph) and no batch becomes its own ancestor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Any

from graph import records as rec
from graph.db import Graph
from graph.ingest.parse import Latest, Parsed
from graph.ingest.report import Errors
from graph.records import LinkKind


# (record type, field path, target kind, getter) for every reference a record makes
def _references(record: Any) -> Iterator[tuple[str, str, str]]:
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
        case rec.Blacklist():
            yield "enterprise", "enterprise", record.enterprise
            if record.agency is not None:
                yield "agency", "agency", record.agency
        case rec.Link():
            yield "to", "enterprise", record.to
        case rec.RiskSignal():
            yield f"subject.{record.subject.kind}", record.subject.kind, record.subject.ref


# Record types that other records refer to; a type and the kind of reference share a name.
_REFERABLE = ("enterprise", "person", "product", "batch", "lab", "agency")


@dataclass(frozen=True)
class Known:
    existing_batches: set[str]  # batches of this import or referenced by it that the graph already has
    persons: set[str]  # every person id known in the import or the graph (decides a link holder's label)


async def check_references(graph: Graph, latest: Latest, errors: Errors) -> Known:
    """Report every dangling reference; return what the graph already knows that the writes need."""
    in_file: dict[str, set[str]] = {kind: set(latest.get(kind, {})) for kind in _REFERABLE}

    wanted: dict[str, set[str]] = {kind: set() for kind in in_file}
    for bucket in latest.values():
        for p in bucket.values():
            for _, kind, ident in _references(p.record):
                wanted[kind].add(ident)
            if isinstance(p.record, rec.Link):
                wanted["person"].add(p.record.from_)
                wanted["enterprise"].add(p.record.from_)
    # Batches of this import that already exist matter for the cycle check, so ask for them too.
    wanted["batch"] |= in_file["batch"]

    row = (
        await graph.read(
            "ingest/existing_ids",
            enterprises=sorted(wanted["enterprise"]),
            persons=sorted(wanted["person"]),
            products=sorted(wanted["product"]),
            batches=sorted(wanted["batch"]),
            labs=sorted(wanted["lab"]),
            agencies=sorted(wanted["agency"]),
        )
    )[0]
    in_graph = {
        "enterprise": set(row["enterprises"]),
        "person": set(row["persons"]),
        "product": set(row["products"]),
        "batch": set(row["batches"]),
        "lab": set(row["labs"]),
        "agency": set(row["agencies"]),
    }

    def known(kind: str, ident: str) -> bool:
        return ident in in_file[kind] or ident in in_graph[kind]

    for bucket in latest.values():
        for p in bucket.values():
            for field_name, kind, ident in _references(p.record):
                if known(kind, ident):
                    continue
                if (refused := errors.rejected.get((kind, ident))) is not None:
                    errors.depends(p.line, on=refused)  # one fault, reported on its own line
                else:
                    errors.add(p.line, field_name, f"{kind} {ident!r} is not in this import nor in the graph")
            if isinstance(p.record, rec.Link):
                holder = p.record.from_
                refused_holder = errors.rejected.get(("person", holder), errors.rejected.get(("enterprise", holder)))
                if refused_holder is not None and not (known("person", holder) or known("enterprise", holder)):
                    errors.depends(p.line, on=refused_holder)
                else:
                    _check_link_holder(p, known, errors)
    return Known(in_graph["batch"], in_file["person"] | in_graph["person"])


def _check_link_holder(p: Parsed, known: Callable[[str, str], bool], errors: Errors) -> None:
    link: rec.Link = p.record
    is_person, is_enterprise = known("person", link.from_), known("enterprise", link.from_)
    if link.kind != LinkKind.SHAREHOLDER:
        if not is_person:
            errors.add(
                p.line,
                "from",
                f"person {link.from_!r} is not in this import nor in the graph ({link.kind} links start at a person)",
            )
    elif is_person and is_enterprise:
        errors.add(p.line, "from", f"{link.from_!r} names both a person and an enterprise; it is ambiguous")
    elif not (is_person or is_enterprise):
        errors.add(
            p.line, "from", f"{link.from_!r} is neither a person nor an enterprise in this import or in the graph"
        )
    if link.from_ == link.to and is_enterprise:
        errors.add(p.line, "to", "an enterprise cannot hold shares of itself")


async def check_cycles(graph: Graph, batches: dict[Any, Parsed], existing: set[str], errors: Errors) -> None:
    """A batch may not be its own ancestor, counting the import's inputs and the graph's INPUT_TO edges."""
    sorter: TopologicalSorter[str] = TopologicalSorter()
    endpoints: set[str] = set()
    for p in batches.values():
        for item in p.record.inputs:
            sorter.add(p.record.id, item.batch)  # the input comes before its output
            endpoints |= {p.record.id, item.batch}
    touching_graph = sorted(endpoints & existing)
    if len(touching_graph) > 1:
        # The graph's edges into a batch of this import are replaced by its inputs above: leave them out.
        restated = sorted(p.record.id for p in batches.values())
        for row in await graph.read("ingest/reachable_batches", ids=touching_graph, restated=restated):
            sorter.add(row["to"], row["from"])
    try:
        sorter.prepare()
    except CycleError as err:
        cycle: list[str] = err.args[1]
        culprit = next((batches[b] for b in cycle if b in batches), None)
        path = " -> ".join(reversed(cycle))
        errors.add(
            culprit.line if culprit else 0, "inputs", f"a batch may not be its own ancestor: INPUT_TO cycle {path}"
        )
