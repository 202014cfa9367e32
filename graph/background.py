"""Work repeated in the background while a body of work runs: a lease's renewal, a job's heartbeat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

import structlog

log = structlog.get_logger("graph.background")


@asynccontextmanager
async def repeated(every_s: float, step: Callable[[], Awaitable[object]], name: str) -> AsyncIterator[None]:
    """Run `step` every `every_s` seconds until the body ends. A step that fails is logged and the next one runs:
    a renewal or a heartbeat that cannot be written is never the body's failure (its own writes say whether the
    database is there)."""

    async def repeat() -> None:
        while True:
            await asyncio.sleep(every_s)
            try:
                await step()
            except Exception as error:  # any: the next step tries again
                log.warning("background.step_failed", task=name, error=str(error) or type(error).__name__)

    task = asyncio.create_task(repeat(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
