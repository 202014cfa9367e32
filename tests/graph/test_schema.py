"""The schema of cypher/schema/ is what the server has, and a store that lost it is never written without it."""

from __future__ import annotations

import asyncio

import pytest

from graph import audit
from graph import db as graph_db
from graph.audit import Entry, Outcome
from graph.db import SCHEMA_TRUSTED_S, Graph, SchemaMissing, open_driver
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


def count_constraint_checks(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The schema checks `graph` makes from now on (one entry per read of the constraints' names)."""
    checks: list[str] = []
    read = graph.read

    async def counted(name: str, **params: object) -> object:
        if name == "ops/constraint_names":
            checks.append(name)
        return await read(name, **params)

    monkeypatch.setattr(graph, "read", counted)
    return checks


def event(i: int) -> Entry:
    return Entry("test", ("admin",), "Query.recallScope", (f"B{i}",), Outcome.OK, None)


async def test_writes_in_quick_succession_check_the_schema_once(db, monkeypatch):
    """The check before a write is trusted for SCHEMA_TRUSTED_S: an audited read's event does not wait on it."""
    monkeypatch.setattr(graph_db, "SCHEMA_TRUSTED_S", 600.0)  # however slow this machine is today
    db.forget_schema()
    checks = count_constraint_checks(db, monkeypatch)
    try:
        for i in range(5):
            await audit.append(db, [event(i)])
    finally:
        db.forget_schema()  # the session's graph must not keep a 600 s trust into the next tests
    assert len(checks) == 1


async def test_a_constraint_dropped_by_another_process_is_created_again_once_the_trust_ends(restored, settings):
    """Another process (a restore, an operator) drops a constraint: this process's next write after the trust
    window re-creates it. (A store replaced under the service is down far longer than SCHEMA_TRUSTED_S.)"""
    await load(restored, enterprise("E0"))  # checked and trusted
    other = Graph(open_driver(settings), settings)
    try:
        await other.write_schema("testing/drop_constraint", constraint="enterprise_id")
    finally:
        await other.close()
    await asyncio.sleep(SCHEMA_TRUSTED_S)
    await load(restored, enterprise("E1"))
    assert "enterprise_id" in await constraint_names(restored)


async def test_an_audit_event_is_never_written_into_a_store_without_its_constraints(restored):
    """The audit trail's counter is MERGEd: its write checks the schema like every other write."""
    await restored.write_schema("testing/drop_constraint", constraint="sequence_name_unique")
    assert "sequence_name_unique" not in await constraint_names(restored)
    await audit.append(restored, [event(1)])
    assert await constraint_names(restored) == required_constraints()


async def test_concurrent_audit_appends_draw_every_seq_once_without_gaps(db):
    """Auto-commit appends, a hundred at once: they deadlock on the counter and are retried until each lands;
    every seq drawn once, none missing."""
    seqs = await asyncio.gather(*(audit.append(db, [event(i), event(i)]) for i in range(100)))
    drawn = sorted(s for pair in seqs for s in pair)
    assert drawn == list(range(drawn[0], drawn[0] + 200))
