"""Health endpoints answer while a heavy query computes: CPU-bound steps run off the event loop (issue 9 item 3).

No clock: the test orders events. The contagion request reads its ties (the whole tie graph into the process's
cache, or its neighbourhood when the cache cannot hold it), computes (tie arrays, searches, evidence paths), then
reads the enterprises it lists. A /healthz sent once the ties read has ended must be answered before the
enterprises read starts, which holds only if the computing leaves the event loop free.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from api.gql.pacing import pacer
from api.main import create_app
from graph.db import Graph
from graph.imports import import_lines
from tests.conftest import BASE, asgi_client, batch, enterprise, gql, ndjson, shipment

SOURCES = [f"SRC{i:02}" for i in range(20)]
LEAVES = [f"LEAF{i:04}" for i in range(500)]


def network() -> list[dict[str, Any]]:
    """Twenty sources hold shares of one hub, which holds shares of 500 enterprises: each of those is exposed to
    every source, by one path of two ties each (10 000 evidence paths)."""
    link = {"type": "link", "kind": "SHAREHOLDER"}
    return [
        *(enterprise(e) for e in [*SOURCES, "HUB", *LEAVES]),
        *({**link, "from": s, "to": "HUB", "share": 0.3} for s in SOURCES),
        *({**link, "from": "HUB", "to": leaf, "share": 0.6} for leaf in LEAVES),
    ]


class Watched(Graph):
    """The test database, noting when each named read starts and ends."""

    def __init__(self, graph: Graph, events: list[str]):
        super().__init__(graph.driver, graph.settings)
        self.events = events
        self.ended: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)

    async def read(self, name: str, **params: Any) -> list:
        self.events.append(f"start {name}")
        try:
            return await super().read(name, **params)
        finally:
            self.events.append(f"end {name}")
            self.ended[name].set()


# The reads of contagion's ties: the cached tie graph's, or the neighbourhood's (graph/contagion.py).
TIE_READS = ("contagion/all_ties", "contagion/neighbourhood")
CONTAGION = "query($ids: [ID!]) { contagion(sourceIds: $ids, maxHops: 2, minScore: 0.01) { score evidence { score } } }"


async def test_healthz_answers_while_contagion_computes(db):
    in_one_batch = Graph(db.driver, db.settings.model_copy(update={"import_batch_size": 10_000}))
    assert (await import_lines(in_one_batch, ndjson(*network()))).ok
    events: list[str] = []
    graph = Watched(db, events)
    async with asgi_client(create_app(graph=graph), base_url="http://t") as c:
        heavy = asyncio.create_task(gql(c, CONTAGION, ids=SOURCES))
        waits = [asyncio.create_task(graph.ended[name].wait()) for name in TIE_READS]
        await asyncio.wait([heavy, *waits], return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()
        health = await c.get("/healthz")
        events.append("healthz answered")
        body = await heavy
    assert health.json() == {"status": "ok"}
    exposures = body["data"]["contagion"]
    assert len(exposures) == 1 + len(LEAVES)  # the hub and every leaf
    assert sum(len(e["evidence"]) for e in exposures) == 20 * (1 + len(LEAVES))

    ties_read = next(e for e in events if e in {f"end {name}" for name in TIE_READS})
    computing = events[events.index(ties_read) :]
    assert computing.index("healthz answered") < computing.index("start lookup/enterprises"), computing


async def test_healthz_answers_while_a_large_answer_is_built(db):
    # Forty enterprises' shipments come back from one read. Built all at once, every list held the event loop in the
    # same iteration, and their lots were then read in one go; built a turn at a time (api/gql/pacing.py, here ten
    # objects a turn), the lists go on over forty iterations, each reading its own lots, and /healthz is answered
    # before the last of them.
    senders = [f"E{i:02}" for i in range(40)]
    records = [*BASE, enterprise("R"), *(enterprise(e) for e in senders)]
    for e in senders:
        for j in range(10):
            records += [batch(f"{e}-B{j}", producer=e), shipment(f"{e}-S{j}", f"{e}-B{j}", "R", from_=e)]
    in_one_batch = Graph(db.driver, db.settings.model_copy(update={"import_batch_size": 10_000}))
    assert (await import_lines(in_one_batch, ndjson(*records))).ok
    events: list[str] = []
    graph = Watched(db, events)
    settings = db.settings.model_copy(update={"graphql_max_aliases": 50})
    query = " ".join(f'{e}: enterprise(id: "{e}") {{ shipmentsOut {{ id batch {{ id }} }} }}' for e in senders)
    turns = pacer()
    turns.per_tick, per_tick = 10, turns.per_tick
    try:
        async with asgi_client(create_app(settings, graph=graph), base_url="http://t") as c:
            heavy = asyncio.create_task(gql(c, f"{{ {query} }}"))
            await graph.ended["nav/enterprise_shipments_out"].wait()
            health = await c.get("/healthz")
            events.append("healthz answered")
            body = await heavy
    finally:
        turns.per_tick = per_tick
    assert health.json() == {"status": "ok"}
    assert all(len(e["shipmentsOut"]) == 10 for e in body["data"].values())
    lots_read = [i for i, event in enumerate(events) if event == "start lookup/batches"]
    assert events.index("healthz answered") < lots_read[-1], events
