"""Stage 4 for an empty database, in place of write: the checked index as CSV files for `neo4j-admin database
import full` (ops/initial_load.py). The nodes and relationships are the ones the upsert statements would create
on an empty graph (cypher/ingest/upsert_*.cypher), property for property: the same `id`, `_hash` and `suppliedBy`,
the credit state a new enterprise starts with, a lab's status history; and one (:TiesToRefresh) work item naming
every enterprise that trades or is linked, so the tie refresh that follows (graph/imports.derive) is the one an
import runs, and a fault during it leaves the work for the next import.

The import tool needs one type per column, so each label's (and relationship type's) rows are written to one file
per shape: the properties a row has and their types, as the Bolt driver would have stored them (an int stays an
integer, a float a double, a list an array). An empty list cannot be said in CSV: those properties are listed and
set by Cypher after the load (`empty_lists`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.ingest.index import ImportIndex
from graph.ingest.rows import LINK_REL_TYPES
from graph.records import LinkKind

ARRAY_DELIMITER = "\x1f"  # the unit separator: no id, role or status holds it (checked while writing)
ADMIN_ARRAY_DELIMITER = "U+001F"  # the same, as the import tool's option takes it

LABELS = {
    "enterprise": "Enterprise",
    "person": "Person",
    "product": "Product",
    "lab": "Lab",
    "agency": "Agency",
    "monitoring_plan": "MonitoringPlan",
    "batch": "Batch",
    "shipment": "Shipment",
    "test_report": "TestReport",
    "blacklist": "BlacklistEntry",
    "risk_signal": "RiskSignal",
    "foreign_measure": "ForeignMeasure",
}


class NotLoadable(ValueError):
    """A value the CSV files cannot carry as the Bolt driver would have stored it."""


def _scalar_type(value: Any) -> str:
    if isinstance(value, bool):  # before int: a bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    raise NotLoadable(f"no CSV type for {type(value).__name__}")


def _type_of(value: Any) -> str:
    if isinstance(value, list):
        kinds = {_scalar_type(v) for v in value}
        if len(kinds) != 1:
            raise NotLoadable(f"a list of mixed types {sorted(kinds)}")
        return f"{kinds.pop()}[]"
    return _scalar_type(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    if isinstance(value, list):
        parts = [_text(v) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise NotLoadable("a list item holds the array delimiter U+001F")
        return ARRAY_DELIMITER.join(parts)
    return str(value)


@dataclass
class BulkFiles:
    """The files written, with what the import tool is told of them, and what needs Cypher after it."""

    directory: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)  # (label, file)
    relationships: list[tuple[str, Path]] = field(default_factory=list)  # (type, file)
    records: dict[str, int] = field(default_factory=dict)  # records per type (link included)
    node_count: int = 0
    relationship_count: int = 0
    multiline: bool = False  # a value holds a line break: the tool must parse quoted line breaks
    empty_lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (label, property) -> node ids

    def admin_args(self) -> list[str]:
        """The arguments of `neo4j-admin database import full` that name these files and how to read them."""
        args = [f"--nodes={label}={path}" for label, path in self.nodes]
        args += [f"--relationships={rel}={path}" for rel, path in self.relationships]
        return [
            *args,
            f"--array-delimiter={ADMIN_ARRAY_DELIMITER}",
            f"--multiline-fields={'true' if self.multiline else 'false'}",
            "--bad-tolerance=0",  # a relationship to a missing node is a fault, never skipped
            "--skip-bad-relationships=false",
            "--skip-duplicate-nodes=false",
        ]


class _Files:
    """One CSV file per (label or type, id spaces, shape); each opened on its first row, with its header."""

    def __init__(self, out: BulkFiles):
        self.out = out
        self.open: dict[tuple[Any, ...], tuple[IO[str], Any]] = {}

    def _writer(self, key: tuple[Any, ...], header: list[str], register: list[tuple[str, Path]], name: str) -> Any:
        found = self.open.get(key)
        if found is None:
            path = self.out.directory / f"{len(self.open):03d}-{name}.csv"
            stream = path.open("w", encoding="utf-8", newline="")
            writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            register.append((name, path))
            found = self.open[key] = (stream, writer)
        return found[1]

    def _values(self, props: dict[str, Any]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
        shape = tuple((k, _type_of(v)) for k, v in props.items())
        values = [_text(v) for v in props.values()]
        if not self.out.multiline and any("\n" in v or "\r" in v for v in values):
            self.out.multiline = True
        return shape, values

    def node(self, label: str, ident: str, props: dict[str, Any]) -> None:
        kept = {}
        for k, v in props.items():
            if isinstance(v, list) and not v:
                self.out.empty_lists.setdefault((label, k), []).append(ident)
            else:
                kept[k] = v
        shape, values = self._values(kept)
        header = [f"id:ID({label})", *(f"{k}:{t}" for k, t in shape)]
        self._writer(("node", label, shape), header, self.out.nodes, label).writerow([ident, *values])
        self.out.node_count += 1

    def unnamed_node(self, label: str, props: dict[str, Any]) -> None:
        shape, values = self._values(props)
        header = [f"{k}:{t}" for k, t in shape]
        self._writer(("node", label, shape), header, self.out.nodes, label).writerow(values)
        self.out.node_count += 1

    def relationship(
        self, rel: str, start: tuple[str, str], end: tuple[str, str], props: dict[str, Any] | None = None
    ) -> None:
        shape, values = self._values({k: v for k, v in (props or {}).items() if v is not None})
        header = [f":START_ID({start[0]})", f":END_ID({end[0]})", *(f"{k}:{t}" for k, t in shape)]
        key = ("rel", rel, start[0], end[0], shape)
        self._writer(key, header, self.out.relationships, rel).writerow([start[1], end[1], *values])
        self.out.relationship_count += 1

    def close(self) -> None:
        for stream, _ in self.open.values():
            stream.close()


def _node_props(rtype: str, row: dict[str, Any], supplied_by: str, now: int) -> dict[str, Any]:
    """What upsert_<rtype> stores on a node it creates."""
    props = {**row["props"], "suppliedBy": supplied_by, "_hash": row["hash"]}
    if rtype == "enterprise":  # a new enterprise starts at its declared grade (upsert_enterprise)
        declared = props["declaredGrade"]
        props.update(creditGrade=declared, standingGrade=declared, declaredGradeSeen=declared)
    elif rtype == "risk_signal":  # its incident is found after the load, as after an import (upsert_risk_signal)
        props["incidentPending"] = True
    elif rtype == "lab":  # its first status, since when the record says or since now (upsert_lab)
        props["statusHistory"] = [props["status"]]
        props["statusSinceMs"] = [row.get("statusSinceMs") if row.get("statusSinceMs") is not None else now]
    return props


def _relationships(files: _Files, rtype: str, row: dict[str, Any], relation: dict[str, Any] | None) -> Iterator[str]:
    """The relationships upsert_<rtype> (and relate_batch) create for a new node; yields the enterprises whose
    ties they may change."""
    me = (LABELS[rtype], row["id"])
    match rtype:
        case "batch":
            files.relationship("OF_PRODUCT", me, ("Product", row["product"]))
            files.relationship("PRODUCED", ("Enterprise", row["producer"]), me)
            for item in (relation or {}).get("inputs", ()):
                files.relationship("INPUT_TO", ("Batch", item["batch"]), me, {"quantity": item["quantity"]})
        case "shipment":
            files.relationship("CARRIES", me, ("Batch", row["batch"]))
            files.relationship("FROM", me, ("Enterprise", row["from"]))
            files.relationship("TO", me, ("Enterprise", row["to"]))
            yield row["from"]
            yield row["to"]
        case "monitoring_plan":
            for agency in row["agencies"]:
                files.relationship("RESPONSIBLE_FOR", ("Agency", agency), me)
        case "test_report":
            files.relationship("ISSUED", ("Lab", row["lab"]), me)
            files.relationship("TESTED", me, ("Batch", row["batch"]))
            if row.get("plan") is not None:
                files.relationship("SERVES", me, ("MonitoringPlan", row["plan"]))
        case "blacklist":
            files.relationship("AGAINST", me, ("Enterprise", row["enterprise"]))
            if row.get("agency") is not None:
                files.relationship("BY", me, ("Agency", row["agency"]))
        case "risk_signal":
            for key, label in (
                ("subjectBatch", "Batch"),
                ("subjectProduct", "Product"),
                ("subjectEnterprise", "Enterprise"),
            ):
                if row.get(key) is not None:
                    files.relationship("ABOUT", me, (label, row[key]))


def write_csv(index: ImportIndex, directory: Path, supplied_by: str, now: int) -> BulkFiles:
    """Write every record of a checked import into CSV files under `directory` (which must exist)."""
    out = BulkFiles(directory)
    files = _Files(out)
    tied: set[str] = set()
    try:
        for rtype in LABELS:
            count = 0
            for row, relation in index.rows(rtype):
                files.node(LABELS[rtype], row["id"], _node_props(rtype, row, supplied_by, now))
                tied.update(_relationships(files, rtype, row, relation))
                count += 1
            if count:
                out.records[rtype] = count
        count = 0
        for link in index.links():
            holder = ("Person" if link.holder_is_person else "Enterprise", link.holder)
            props = {"share": link.share} if link.share is not None else {}
            files.relationship(LINK_REL_TYPES[LinkKind(link.kind)], holder, ("Enterprise", link.target), props)
            tied.add(link.target)
            if not link.holder_is_person:
                tied.add(link.holder)
            count += 1
        if count:
            out.records["link"] = count
        if tied:
            files.unnamed_node("TiesToRefresh", {"enterprises": sorted(tied)})
    finally:
        files.close()
    return out
