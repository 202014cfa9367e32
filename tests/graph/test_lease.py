"""One holder at a time: of two replicas asking for a lease only one gets it, it renews it while it works, and an
expired lease (its holder died) passes to the next one that asks."""

from __future__ import annotations

import asyncio

from graph.db import Graph
from graph.lease import Lease, run_periodically


def lease(db: Graph, holder: str, ttl_s: float = 60) -> Lease:
    return Lease(db, "job", holder, ttl_s)


async def test_of_two_holders_only_the_first_gets_it_and_it_renews(db):
    a, b = lease(db, "A"), lease(db, "B")
    first = await a.take()
    assert first.held and first.holder == "A"
    refused = await b.take()
    assert not refused.held and refused.holder == "A"
    renewed = await a.take()
    assert renewed.held and renewed.expires_at >= first.expires_at


async def test_concurrent_takers_one_wins(db):
    states = await asyncio.gather(*(lease(db, f"R{i}").take() for i in range(8)))
    winners = [s for s in states if s.held]
    assert len(winners) == 1
    assert {s.holder for s in states} == {winners[0].holder}
    assert len(await db.read("lease/holder", lease="job")) == 1  # one node, whatever the race


async def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_release_it(db):
    a, b = lease(db, "A"), lease(db, "B")
    assert (await a.take()).held
    await db.write_schema("testing/expire_lease", lease="job")  # A died: it stopped renewing
    assert (await b.take()).held
    assert not (await a.take()).held  # A, back, finds B holding it
    assert not await a.release()
    assert (await db.read("lease/holder", lease="job"))[0]["holder"] == "B"


async def test_a_released_lease_is_free_at_once(db):
    a, b = lease(db, "A"), lease(db, "B")
    assert (await a.take()).held
    assert await a.release()
    assert (await b.take()).held


async def test_a_periodic_job_runs_on_one_of_two_replicas_and_hands_over_when_stopped(db):
    runs: list[str] = []
    enough = asyncio.Event()

    def job(name: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            runs.append(name)
            if len(runs) >= 3:
                enough.set()

        return run

    first = asyncio.create_task(run_periodically(lease(db, "A"), 0.05, job("A")))
    for _ in range(600):  # A has the lease before B asks
        if runs:
            break
        await asyncio.sleep(0.05)
    second = asyncio.create_task(run_periodically(lease(db, "B"), 0.05, job("B")))
    await asyncio.wait_for(enough.wait(), 30)
    assert set(runs) == {"A"}  # B asked every round too, and never ran
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)  # A stops: it releases the lease
    runs.clear()
    enough.clear()
    await asyncio.wait_for(enough.wait(), 30)
    second.cancel()
    await asyncio.gather(second, return_exceptions=True)
    assert set(runs) == {"B"}
