"""Schema versions: a fresh graph gets every migration, once, in order, recorded in the graph; a second start applies
none; replicas starting together apply each once; a graph from a newer release is refused with a clear message."""

from __future__ import annotations

import asyncio

import pytest

from api.main import create_app
from graph import migrations
from graph.db import Graph
from graph.migrations import Migration, SchemaTooNew, applied, upgrade
from tests.api.test_serve import restored_logging  # noqa: F401 (a fixture)


def counting(steps: list[int]) -> tuple[Migration, ...]:
    """Three migrations whose Python steps say when they run (and take a moment, so concurrent starts overlap)."""

    def step(version: int):  # type: ignore[no-untyped-def]
        async def run(graph: Graph) -> None:
            steps.append(version)
            await asyncio.sleep(0.2)

        return run

    return tuple(Migration(v, f"step_{v}", step=step(v)) for v in (1, 2, 3))


async def test_a_fresh_graph_gets_every_migration_in_order_and_a_second_start_none(db):
    steps: list[int] = []
    ran = await upgrade(db, counting(steps))
    assert [m.version for m in ran] == [1, 2, 3] == steps
    recorded = await applied(db)
    assert [(a.version, a.name) for a in recorded] == [(1, "step_1"), (2, "step_2"), (3, "step_3")]
    assert all(a.applied_at > 0 for a in recorded)
    assert await upgrade(db, counting(steps)) == []
    assert steps == [1, 2, 3]


async def test_only_the_new_migrations_run_after_an_upgrade_of_the_code(db):
    steps: list[int] = []
    await upgrade(db, counting(steps)[:2])
    ran = await upgrade(db, counting(steps))
    assert [m.version for m in ran] == [3] and steps == [1, 2, 3]


async def test_concurrent_starts_apply_each_migration_once(db):
    steps: list[int] = []
    results = await asyncio.gather(*(upgrade(db, counting(steps), holder=f"replica-{i}") for i in range(3)))
    assert steps == [1, 2, 3]
    assert sorted(len(r) for r in results) == [0, 0, 3]
    assert [a.version for a in await applied(db)] == [1, 2, 3]


async def test_a_graph_migrated_by_a_newer_release_is_refused(db):
    steps: list[int] = []
    await upgrade(db, counting(steps))
    with pytest.raises(SchemaTooNew, match=r"version 3 \(step_3\), newer than this release knows \(up to 2\)"):
        await upgrade(db, counting(steps)[:2])
    assert steps == [1, 2, 3]


async def test_the_shipped_migrations_are_numbered_in_order_and_apply_to_a_fresh_graph(db):
    migrations.check_order(migrations.MIGRATIONS)
    await upgrade(db)
    assert [a.version for a in await applied(db)] == [m.version for m in migrations.MIGRATIONS]


def test_misnumbered_migrations_are_a_programming_error():
    with pytest.raises(ValueError, match="numbered 1, 2, 3"):
        migrations.check_order([Migration(1, "a"), Migration(3, "c")])


async def test_the_service_refuses_to_start_on_a_graph_from_a_newer_release(db, settings, request):
    request.getfixturevalue("restored_logging")  # the lifespan configures logging: put it back afterwards
    newer = migrations.MIGRATIONS[-1].version + 1
    await db.write_schema("migrations/record", version=newer, migration="from_a_later_release")
    app = create_app(settings.model_copy(update={"credit_sweep_interval_s": 0}))
    with pytest.raises(SchemaTooNew, match=f"version {newer} \\(from_a_later_release\\).*refusing to start"):
        async with app.router.lifespan_context(app):
            pass
