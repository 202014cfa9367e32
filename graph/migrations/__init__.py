"""Schema versions: numbered forward migrations, applied once each, in order, at start-up, and recorded in the graph
as (:SchemaMigration {version, name, appliedAt}).

Start-up (`upgrade`) takes the lease "schema-migrations" (graph/lease.py), so that of several replicas starting
together one migrates while the others wait and then find nothing left to do; it applies the declared constraints
and indexes (cypher/schema/, idempotent: a new file there needs no migration), then every migration the graph has
not had. A graph whose recorded version is newer than the code knows was upgraded by a later release: the service
refuses to start on it rather than write what that release may no longer read.

A migration is a step that the declared schema cannot say: a data change, a rename, a dropped index. Add one as the
next entry of MIGRATIONS, its statements as cypher/migrations/NNNN_name.cypher files (run in order), or a Python
step for what needs a loop (batches of a large relabelling). Never edit or renumber one that has shipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import neo4j
import structlog

from graph import schema
from graph.db import Graph
from graph.lease import Lease, holder_id

log = structlog.get_logger("graph.migrations")

LEASE = "schema-migrations"
LEASE_TTL_S = 60.0  # renewed every 20 s while migrating; a replica that dies mid-migration is taken over after it


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...] = ()  # cypher/ names, run in order, each in its own transaction
    step: Callable[[Graph], Awaitable[None]] | None = None  # or a Python step, for what needs a loop

    async def apply(self, graph: Graph) -> None:
        for statement in self.statements:
            await graph.write_schema(statement)
        if self.step is not None:
            await self.step(graph)


MIGRATIONS: tuple[Migration, ...] = (
    # Version 1 is the graph as cypher/schema/ declares it when versions began: nothing to change, a starting
    # point that later versions are counted from (and that a graph written by this release is marked with).
    Migration(1, "baseline"),
)


class SchemaTooNew(Exception):
    """The graph was migrated by a newer release than this one."""


@dataclass(frozen=True)
class Applied:
    version: int
    name: str
    applied_at: int  # epoch ms, the server's clock


def check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3, ... in order; found {versions}")


async def applied(graph: Graph) -> list[Applied]:
    rows = await graph.read("migrations/applied")
    return [Applied(r["version"], r["name"], r["appliedAt"]) for r in rows]


def refuse_newer(recorded: Sequence[Applied], migrations: Sequence[Migration]) -> None:
    known = migrations[-1].version if migrations else 0
    newer = [a for a in recorded if a.version > known]
    if newer:
        latest = newer[-1]
        raise SchemaTooNew(
            f"the graph's schema is at version {latest.version} ({latest.name}), newer than this release knows "
            f"(up to {known}): it was upgraded by a later release. Run that release, or restore a backup taken "
            f"before the upgrade; refusing to start"
        )


async def upgrade(
    graph: Graph,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    holder: str | None = None,
    wait_s: float = 600.0,
) -> list[Migration]:
    """Bring the graph to the latest version: the declared schema, then each missing migration in order, under the
    lease. The migrations this call applied (none when another replica did, or nothing was missing)."""
    check_order(migrations)
    refuse_newer(await applied(graph), migrations)  # before waiting for anything
    await _lease_constraint(graph)
    lease = Lease(graph, LEASE, holder or holder_id(), LEASE_TTL_S)
    await lease.wait(wait_s)
    try:
        async with lease.renewed():
            recorded = await applied(graph)  # again, under the lease: another replica may have migrated meanwhile
            refuse_newer(recorded, migrations)
            await schema.apply_schema(graph)
            done = {a.version for a in recorded}
            ran: list[Migration] = []
            for migration in migrations:
                if migration.version in done:
                    continue
                await migration.apply(graph)
                await graph.write_schema("migrations/record", version=migration.version, migration=migration.name)
                log.info("schema.migrated", version=migration.version, migration=migration.name)
                ran.append(migration)
            return ran
    finally:
        await lease.release()


async def _lease_constraint(graph: Graph) -> None:
    """The lease's own uniqueness rule, before the first lease is taken (a fresh graph has none, and two replicas'
    MERGEs would then make two leases). Replicas starting together may race to create it: whoever loses finds it."""
    statement = "schema/18_lease_name_unique"
    try:
        await graph.write_schema(statement)
    except neo4j.exceptions.Neo4jError:
        if "lease_name_unique" not in (await graph.read("ops/constraint_names"))[0]["names"]:
            raise
