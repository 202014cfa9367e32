"""One async driver per process; every statement runs with an explicit database, routing and timeout."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import neo4j
from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    NotificationMinimumSeverity,
    Query,
    RoutingControl,
    unit_of_work,
)

from graph import schema
from graph.cypher import cypher
from graph.errors import DomainError
from graph.settings import Settings

CONNECT_TIMEOUT_S = 5.0  # a new connection's TCP connect and Bolt handshake
# After Neo4j could not be reached, statements fail at once for this long instead of each waiting for its own
# connection deadline: a request that runs several statements (the schema check, the statement, the audit event)
# is told in one deadline, not in several; the first statement after it tries the server again.
UNREACHABLE_HOLD_S = 2.0
# A schema check that found every constraint is trusted this long before the next write checks again: a store is
# only replaced under a running service (a restore, a recreated volume) with the server or the database down for
# far longer than this, so the first write after it always checks. Sooner when this process sees the connection
# fail or runs a schema statement itself. Saves a read before nearly every write (an audited read's event: one of
# the round trips a confidential answer waits on, bench/RESULTS.md "GraphQL overhead, round two").
SCHEMA_TRUSTED_S = 1.0


def open_driver(settings: Settings) -> AsyncDriver:
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    # Planner notifications stay available on result summaries (the EXPLAIN test reads them), but are neither
    # warnings nor log lines on every query: on a young database a property no node carries yet (liftedAtMs before
    # the first lifting) is expected, and tests/test_cypher_files.py checks the names on purpose instead. Set here,
    # so that every process with a driver (server, CLI, benchmarks) is quiet alike.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=auth,
        warn_notification_severity=NotificationMinimumSeverity.OFF,
        # A server that accepts connections and does not answer (hung, paused, a half-open network) is unavailable,
        # said within seconds: by default the driver waits 30 s to connect and 60 s for a connection, longer than a
        # request may take (QUERY_TIMEOUT_S): /readyz and requests hung for a minute (tests/ops/test_neo4j_hung.py).
        connection_timeout=CONNECT_TIMEOUT_S,
        connection_acquisition_timeout=CONNECT_TIMEOUT_S,
        max_connection_lifetime=settings.neo4j_max_connection_lifetime_s,
    )


T = TypeVar("T")
# An auto-commit statement is retried on a retryable transient error (a deadlock, a lock timeout, a leader
# change) as the driver retries a managed transaction: for up to 30 s (its max_transaction_retry_time), with
# jittered exponential back-off. Three quick attempts were too few: 30 concurrent audit appends deadlock on
# their counter and one gave up within 0.3 s (tests/graph/test_schema.py).
AUTO_COMMIT_RETRY_S = 30.0
AUTO_COMMIT_FIRST_DELAY_S = 0.05
AUTO_COMMIT_MAX_DELAY_S = 1.0


class SchemaMissing(DomainError):
    """The database lacks uniqueness constraints and they could not be created: writing would duplicate nodes."""

    code = "SERVICE_UNAVAILABLE"


class Tx:
    """Named statements inside one managed write transaction (see Graph.transaction)."""

    def __init__(self, tx: AsyncManagedTransaction):
        self._tx = tx

    async def run(self, name: str, **params: Any) -> list[neo4j.Record]:
        result = await self._tx.run(cypher(name), params)
        return [record async for record in result]


class Graph:
    """The service's handle on Neo4j: a driver, the database it uses, and the timeouts it applies."""

    def __init__(self, driver: AsyncDriver, settings: Settings):
        self.driver = driver
        self.settings = settings
        self.database = settings.neo4j_database
        self._schema_repair = asyncio.Lock()
        # One chain of bookmarks for every statement of this process (execute_query's own manager, shared with the
        # sessions of reads and transactions): on a cluster a read waits until the member serving it has every
        # write this process committed before it, so a replica reads its own writes (docs/scale-out.md).
        self._bookmarks = driver.execute_query_bookmark_manager
        self._unreachable_until = 0.0  # time.monotonic(); see UNREACHABLE_HOLD_S
        self._schema_trusted_until = 0.0  # time.monotonic(); see SCHEMA_TRUSTED_S
        self._schema_generation = 0  # counts forget_schema(): a check that overlapped one is not trusted

    def _reachable(self) -> None:
        if time.monotonic() < self._unreachable_until:
            raise neo4j.exceptions.ServiceUnavailable(f"Neo4j at {self.settings.neo4j_uri} was unreachable just now")

    def _unreachable(self) -> None:
        self._unreachable_until = time.monotonic() + UNREACHABLE_HOLD_S
        self.forget_schema()

    def forget_schema(self) -> None:
        """Check the constraints again before the next write (the store may have changed under this process)."""
        self._schema_trusted_until = 0.0
        self._schema_generation += 1

    async def read(self, name: str, **params: Any) -> list[neo4j.Record]:
        """Run the named statement on a reader with the query timeout; all records.

        An auto-commit query: one round trip instead of the managed transaction's begin, run and commit, which
        is 0.4 ms of the 1.2 ms a small query costs from Python (bench/RESULTS.md). Reads are retried by hand
        on the errors a managed transaction would retry."""
        return await self._auto_commit(
            Query(cypher(name), timeout=self.settings.query_timeout_s), params, neo4j.READ_ACCESS
        )

    async def write(self, name: str, **params: Any) -> list[neo4j.Record]:
        await self.verify_schema()
        return await self._run(name, params, RoutingControl.WRITE, self.settings.write_timeout_s)

    async def write_schema(self, name: str, **params: Any) -> list[neo4j.Record]:
        """A schema statement (graph/schema.py): the one kind of write that runs without the schema check. It may
        change the schema, so the next write checks it again."""
        self.forget_schema()
        try:
            return await self._run(name, params, RoutingControl.WRITE, self.settings.write_timeout_s)
        finally:
            self.forget_schema()

    async def write_once(self, name: str, **params: Any) -> list[neo4j.Record]:
        """One statement as an auto-commit write: one round trip, where `write`'s managed transaction takes two
        (run, then commit). For a short statement that must not wait: an audited read's event, written before its
        answer leaves. Retried by hand on the transient errors that leave nothing committed (a deadlock, a lock
        timeout, a leader change), as reads are; an outage is raised (a retry after a lost commit could write the
        statement twice)."""
        await self.verify_schema()
        return await self._auto_commit(
            Query(cypher(name), timeout=self.settings.write_timeout_s), params, neo4j.WRITE_ACCESS
        )

    async def _auto_commit(self, query: Query, params: dict[str, Any], mode: str) -> list[neo4j.Record]:
        """One auto-commit statement, all records; retried on the transient errors that leave nothing done. A lost
        session is retried for a read only: a write's commit may have happened before it was lost."""
        self._reachable()
        # No longer than the statement itself may run: a read's retries stay inside the query timeout.
        give_up_at = time.monotonic() + min(AUTO_COMMIT_RETRY_S, query.timeout or AUTO_COMMIT_RETRY_S)
        delay = AUTO_COMMIT_FIRST_DELAY_S
        while True:
            try:
                async with self.driver.session(
                    database=self.database, default_access_mode=mode, bookmark_manager=self._bookmarks
                ) as s:
                    result = await s.run(query, params)
                    return [record async for record in result]
            except neo4j.exceptions.ServiceUnavailable:
                self._unreachable()
                raise
            except (neo4j.exceptions.TransientError, neo4j.exceptions.SessionExpired) as error:
                self.forget_schema()  # a database stopped or moved: it may come back as another store
                lost = mode == neo4j.WRITE_ACCESS and isinstance(error, neo4j.exceptions.SessionExpired)
                pause = delay * random.uniform(0.8, 1.2)  # jitter: deadlocked peers do not retry in step
                if lost or not error.is_retryable() or time.monotonic() + pause > give_up_at:
                    raise
                await asyncio.sleep(pause)
                delay = min(delay * 2, AUTO_COMMIT_MAX_DELAY_S)

    async def transaction(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Run several statements as one write transaction, retried as a whole on transient errors
        (deadlocks, leader changes): `work` must only touch the graph through its Tx."""
        await self.verify_schema()

        @unit_of_work(timeout=self.settings.write_timeout_s)
        async def unit(tx: AsyncManagedTransaction) -> T:
            return await work(Tx(tx))

        self._reachable()
        try:
            async with self.driver.session(database=self.database, bookmark_manager=self._bookmarks) as session:
                return await session.execute_write(unit)
        except neo4j.exceptions.ServiceUnavailable:
            self._unreachable()
            raise
        except (neo4j.exceptions.SessionExpired, neo4j.exceptions.TransientError):
            self.forget_schema()
            raise

    async def _run(
        self, name: str, params: Mapping[str, Any], routing: RoutingControl, timeout_s: float
    ) -> list[neo4j.Record]:
        self._reachable()
        try:
            records, _, _ = await self.driver.execute_query(
                Query(cypher(name), timeout=timeout_s),
                parameters_=dict(params),
                routing_=routing,
                database_=self.database,
            )
        except neo4j.exceptions.ServiceUnavailable:
            self._unreachable()
            raise
        except (neo4j.exceptions.SessionExpired, neo4j.exceptions.TransientError):
            self.forget_schema()
            raise
        return records

    async def verify_schema(self) -> None:
        """Before every write batch: are the uniqueness constraints there? A store replaced under a running
        service (a restore, a recreated volume) has none, and concurrent MERGEs would then duplicate nodes. A
        missing constraint is created again; if that fails (the data already breaks it), the write is refused.
        One auto-commit read, about a millisecond (bench/RESULTS.md); a verdict that found every constraint is
        trusted for SCHEMA_TRUSTED_S."""
        if time.monotonic() < self._schema_trusted_until:
            return
        checked = self._schema_clock()  # the verdict holds from before the read, not from its answer
        if not await self._missing_constraints():
            self._trust_schema(checked)
            return
        async with self._schema_repair:  # one repair per process; others wait and re-check
            checked = self._schema_clock()
            missing = await self._missing_constraints()
            if not missing:
                self._trust_schema(checked)
                return
            try:
                await schema.apply_schema(self, wait_seconds=int(self.settings.write_timeout_s))
            except (neo4j.exceptions.ClientError, neo4j.exceptions.DatabaseError) as error:
                raise SchemaMissing(
                    f"the database lacks the constraint(s) {', '.join(missing)} and they cannot be created "
                    f"({error.message}); nothing was written. Repair the data, then run `tracegraph schema`"
                ) from None
            checked = self._schema_clock()
            still = await self._missing_constraints()
            if still:
                raise SchemaMissing(f"the database lacks the constraint(s) {', '.join(still)}; nothing was written")
            self._trust_schema(checked)

    def _schema_clock(self) -> tuple[float, int]:
        return time.monotonic(), self._schema_generation

    def _trust_schema(self, checked: tuple[float, int]) -> None:
        at, generation = checked
        if generation == self._schema_generation:  # nothing made the store suspect while the check ran
            self._schema_trusted_until = at + SCHEMA_TRUSTED_S

    async def _missing_constraints(self) -> list[str]:
        present = set((await self.read("ops/constraint_names"))[0]["names"])
        return sorted(schema.required_constraints() - present)

    async def ping(self) -> bool:
        try:
            records = await self.read("ops/ping")
            return records[0]["ok"] == 1
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            return False

    async def close(self) -> None:
        await self.driver.close()
