"""graph/db.py's driver: what a worker's connections to Neo4j keep between requests."""

from __future__ import annotations

import asyncio

from graph.db import Graph, open_driver

ITEMS = 400_000  # about 3 MB per answer


def receive_buffers(graph: Graph) -> tuple[int, int]:
    """The pool's connections and the bytes their receive buffers hold (the driver's internals, pinned in the lock
    file: there is no public way to see them)."""
    connections = [c for pooled in graph.driver._pool.connections.values() for c in pooled]  # type: ignore[attr-defined]
    return len(connections), sum(len(c.inbox._buffer.data) for c in connections)


async def test_connections_that_carried_a_large_answer_are_replaced_after_their_lifetime(settings):
    graph = Graph(open_driver(settings.model_copy(update={"neo4j_max_connection_lifetime_s": 1.0})), settings)
    try:
        answers = await asyncio.gather(*(graph.read("testing/large_answer", n=ITEMS) for _ in range(6)))
        assert all(len(a[0]["items"]) == ITEMS for a in answers)
        connections, held = receive_buffers(graph)
        assert connections >= 2 and held > connections * 2_000_000  # each keeps its largest answer's size
        await asyncio.sleep(1.2)
        await asyncio.gather(*(graph.read("testing/large_answer", n=1) for _ in range(connections)))
        connections, held = receive_buffers(graph)
        assert held < connections * 100_000, held  # fresh connections, fresh buffers
    finally:
        await graph.close()
