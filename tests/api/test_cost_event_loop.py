"""Health endpoints answer while a heavy query computes: CPU-bound steps run off the event loop (issue 9 item 3).

No clock: the test orders events. The contagion request reads its neighbourhood, computes (tie arrays, searches,
evidence paths), then reads the enterprises it lists. A /healthz sent once the neighbourhood read has ended must be
answered before the enterprises read starts, which holds only if the computing leaves the event loop free.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import httpx

from api.main import create_app
from graph.db import Graph
from graph.ingest import import_lines
from tests.conftest import enterprise, gql, ndjson

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


CONTAGION = "query($ids: [ID!]) { contagion(sourceIds: $ids, maxHops: 2, minScore: 0.01) { score evidence { score } } }"


async def test_healthz_answers_while_contagion_computes(db):
    in_one_batch = Graph(db.driver, db.settings.model_copy(update={"import_batch_size": 10_000}))
    assert (await import_lines(in_one_batch, ndjson(*network()))).ok
    events: list[str] = []
    graph = Watched(db, events)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(graph=graph)), base_url="http://t") as c:
        heavy = asyncio.create_task(gql(c, CONTAGION, ids=SOURCES))
        await graph.ended["contagion/neighbourhood"].wait()
        health = await c.get("/healthz")
        events.append("healthz answered")
        body = await heavy
    assert health.json() == {"status": "ok"}
    exposures = body["data"]["contagion"]
    assert len(exposures) == 1 + len(LEAVES)  # the hub and every leaf
    assert sum(len(e["evidence"]) for e in exposures) == 20 * (1 + len(LEAVES))

    computing = events[events.index("end contagion/neighbourhood") :]
    assert computing.index("healthz answered") < computing.index("start lookup/enterprises"), computing
