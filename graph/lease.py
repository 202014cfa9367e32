"""Leases in the graph: one holder at a time for work that N replicas must do once (the credit sweep, the schema
migrations at start-up), so that replicas behave as one service.

A lease is a (:Lease {name, holder, expiresAt, since}) node. A holder takes it when nobody holds it or the
holder's lease expired, and renews it while it works (every third of its time to live); a holder that dies stops
renewing, and another takes it over once it expires. Times are the Neo4j server's clock (cypher/lease/).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, suppress
from dataclasses import dataclass

import structlog

from graph.background import repeated
from graph.db import Graph

log = structlog.get_logger("graph.lease")


def holder_id() -> str:
    """This process, as a lease holder: host, pid and a random part (a pid is reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseTimeout(Exception):
    """The lease stayed with another holder for longer than the caller would wait."""


@dataclass(frozen=True)
class LeaseState:
    held: bool  # by the asking holder
    holder: str | None
    expires_at: int | None  # epoch ms, the server's clock


class Lease:
    """The lease `name` as `holder` asks for it, for `ttl_s` seconds at a time."""

    def __init__(self, graph: Graph, name: str, holder: str, ttl_s: float):
        if ttl_s <= 0:
            raise ValueError("a lease's time to live is positive")
        self.graph = graph
        self.name = name
        self.holder = holder
        self.ttl_s = ttl_s

    async def take(self) -> LeaseState:
        """Take the lease, or renew it if this holder has it; `held` says whether this holder has it now. Not a
        domain write (no schema check): the lease guards the schema migrations that a fresh graph waits for."""
        row = (
            await self.graph.write_schema(
                "lease/take", lease=self.name, holder=self.holder, ttlMs=int(self.ttl_s * 1000)
            )
        )[0]
        return LeaseState(row["held"], row["holder"], row["expiresAt"])

    async def release(self) -> bool:
        """Give it up if this holder still has it; True when it did."""
        rows = await self.graph.write_schema("lease/release", lease=self.name, holder=self.holder)
        return bool(rows[0]["released"])

    async def wait(self, timeout_s: float, poll_s: float = 0.5) -> None:
        """Take the lease, waiting for its holder to release it or for it to expire."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            state = await self.take()
            if state.held:
                return
            if loop.time() >= deadline:
                raise LeaseTimeout(
                    f"the lease {self.name!r} is held by {state.holder} and did not come free within {timeout_s:.0f}s"
                )
            await asyncio.sleep(poll_s)

    def renewed(self) -> AbstractAsyncContextManager[None]:
        """Renew the (held) lease in the background while the body runs, so a long job keeps it."""

        async def renew() -> None:
            state = await self.take()
            if not state.held:
                log.warning("lease.lost", lease=self.name, holder=self.holder, taken_by=state.holder)

        return repeated(self.ttl_s / 3, renew, name=f"lease-{self.name}")


async def run_periodically(lease: Lease, interval_s: float, job: Callable[[], Awaitable[object]]) -> None:
    """Run `job` every `interval_s` seconds on whichever process holds `lease` (cancel the task to stop). Each
    round takes or renews the lease; a round without it does nothing. The lease is released when stopped, so
    another replica takes over at its next round instead of after the expiry."""
    try:
        while True:
            try:
                if (await lease.take()).held:
                    async with lease.renewed():
                        await job()
            except Exception:  # keep going: the next round retries what this one missed
                log.exception("lease.job_failed", lease=lease.name)
            await asyncio.sleep(interval_s)
    finally:
        with suppress(Exception):
            await asyncio.shield(lease.release())
