"""Constraints and indexes (cypher/schema/*.cypher): applied idempotently at start-up, and verified before every
write batch so that nothing is written to a database that lacks its uniqueness constraints."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from graph.cypher import CYPHER_DIR, cypher

if TYPE_CHECKING:
    from graph.db import Graph

SCHEMA_DIR = CYPHER_DIR / "schema"
_DECLARED = re.compile(r"^CREATE\s+(?:(CONSTRAINT)|(?:\w+\s+)?INDEX)\s+(\w+)\s+IF\s+NOT\s+EXISTS", re.IGNORECASE)


def schema_statements() -> list[str]:
    return [f"schema/{p.stem}" for p in sorted(SCHEMA_DIR.glob("*.cypher"))]


@cache
def declared() -> dict[str, str]:
    """Every constraint and index the schema files create, by name: "constraint" or "index"."""
    names: dict[str, str] = {}
    for statement in schema_statements():
        match = _DECLARED.match(cypher(statement))
        if match is None:
            raise ValueError(f"cypher/{statement}.cypher must be one CREATE ... <name> IF NOT EXISTS statement")
        names[match.group(2)] = "constraint" if match.group(1) else "index"
    return names


def required_constraints() -> frozenset[str]:
    return frozenset(name for name, kind in declared().items() if kind == "constraint")


async def apply_schema(graph: Graph, wait_seconds: int = 300) -> list[str]:
    """Create every constraint and index that is missing (IF NOT EXISTS), then wait until all are online."""
    names = schema_statements()
    for name in names:
        await graph.write_schema(name)
    await graph.write_schema("ops/await_indexes", seconds=wait_seconds)
    return names
