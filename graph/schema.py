"""Constraints and indexes (cypher/schema/*.cypher), applied idempotently at start-up."""

from graph.cypher import CYPHER_DIR
from graph.db import Graph

SCHEMA_DIR = CYPHER_DIR / "schema"


def schema_statements() -> list[str]:
    return [f"schema/{p.stem}" for p in sorted(SCHEMA_DIR.glob("*.cypher"))]


async def apply_schema(graph: Graph, wait_seconds: int = 300) -> list[str]:
    """Create every constraint and index that is missing (IF NOT EXISTS), then wait until all are online."""
    names = schema_statements()
    for name in names:
        await graph.write(name)
    await graph.write("ops/await_indexes", seconds=wait_seconds)
    return names
