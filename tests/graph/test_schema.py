"""The schema of cypher/schema/ is what the server has, and a store that lost it is never written without it."""

from __future__ import annotations

import asyncio

import pytest

from graph.db import Graph, SchemaMissing
from graph.schema import apply_schema, declared, required_constraints
from tests.conftest import enterprise, load, ndjson


@pytest.fixture
async def restored(db: Graph):
    """The test may drop constraints: the graph is emptied and the schema restored after it."""
    yield db
    await db.write_schema("testing/wipe_all")
    await apply_schema(db)


async def constraint_names(db: Graph) -> set[str]:
    return set((await db.read("ops/constraint_names"))[0]["names"])


async def enterprise_count(db: Graph) -> int:
    return (await db.read("testing/count_nodes"))[0]["nodes"]


async def test_the_server_has_exactly_the_constraints_and_indexes_of_the_schema_files(db):
    rows = await db.read("testing/schema_objects")
    # LOOKUP indexes are the server's own (one per database); constraints own an index of the same name.
    ours = {r["name"] for r in rows if r["type"] != "LOOKUP"}
    assert ours == set(declared())
    assert all(r["state"] == "ONLINE" for r in rows)
    assert await constraint_names(db) == required_constraints()
    assert len(required_constraints()) >= 10


async def test_a_dropped_constraint_is_created_again_before_the_next_write(restored):
    await restored.write_schema("testing/drop_constraint", constraint="enterprise_id")
    assert "enterprise_id" not in await constraint_names(restored)
    await load(restored, enterprise("E1"))
    assert "enterprise_id" in await constraint_names(restored)


async def test_concurrent_imports_into_a_store_without_constraints_duplicate_nothing(restored):
    """A store replaced under a running service: four imports of the same 300 ids at once make 300 nodes."""
    for name in sorted(required_constraints()):
        await restored.write_schema("testing/drop_constraint", constraint=name)
    lines = ndjson(*(enterprise(f"E{i}") for i in range(300)))
    reports = await asyncio.gather(*(restored_import(restored, lines) for _ in range(4)))
    assert all(r.ok for r in reports)
    assert await enterprise_count(restored) == 300
    assert await constraint_names(restored) == required_constraints()


async def restored_import(db: Graph, lines: list[str]):
    from graph.imports import import_lines

    return await import_lines(db, lines)


async def test_a_store_whose_data_breaks_a_constraint_refuses_writes_with_a_clear_error(restored):
    await restored.write_schema("testing/drop_constraint", constraint="enterprise_id")
    for _ in range(2):
        await restored.write_schema("testing/create_enterprise_node", id="DUP")
    with pytest.raises(SchemaMissing, match=r"lacks the constraint\(s\) enterprise_id and they cannot be created"):
        await restored_import(restored, ndjson(enterprise("NEW")))
    assert await enterprise_count(restored) == 2  # the two duplicates only: nothing of the import was written
