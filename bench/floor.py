"""The in-memory floor: the same three traversals over compressed sparse adjacency (scipy CSR) inside the bench
process. No database, no network, no serialisation: what the algorithms cost on this machine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import sparse

from graph.contagion import PRECISION, TIE_WEIGHTS


class Floor:
    def __init__(self, records: Iterable[dict[str, Any]], ties: Iterable[tuple[str, str, float]]):
        """One pass over `records` (a stream: at L the records are not held), keeping ids and edges only."""
        batch_ids: list[str] = []
        enterprise_set: set[str] = set()
        inputs: list[tuple[str, str]] = []  # (input, output)
        shipments: list[tuple[str, str, float]] = []  # (batch, consignee, quantity)
        for r in records:
            kind = r["type"]
            if kind == "batch":
                batch_ids.append(r["id"])
                inputs.extend((i["batch"], r["id"]) for i in r.get("inputs", ()))
            elif kind == "shipment":
                shipments.append((r["batch"], r["to"], float(r["quantity"])))
            elif kind == "enterprise":
                enterprise_set.add(r["id"])
        self.batch_ids = np.array(batch_ids, dtype=object)
        self.batch_index = {b: i for i, b in enumerate(batch_ids)}
        enterprise_ids = sorted(enterprise_set)
        self.enterprise_ids = np.array(enterprise_ids, dtype=object)
        self.enterprise_index = {e: i for i, e in enumerate(enterprise_ids)}
        edges_src = [self.batch_index[a] for a, _ in inputs]
        edges_dst = [self.batch_index[b] for _, b in inputs]
        ship_batch = [self.batch_index[b] for b, _, _ in shipments]
        ship_to = [self.enterprise_index[t] for _, t, _ in shipments]
        ship_qty = [q for _, _, q in shipments]
        del inputs, shipments
        n = len(batch_ids)
        ones = np.ones(len(edges_src), dtype=np.int8)
        # down[s] lists the batches s went into; up[d] the batches d was made from
        self.down = sparse.csr_matrix((ones, (edges_src, edges_dst)), shape=(n, n))
        self.up = sparse.csr_matrix((ones, (edges_dst, edges_src)), shape=(n, n))
        order = np.argsort(np.array(ship_batch, dtype=np.int64), kind="stable")
        self.ship_batch = np.array(ship_batch, dtype=np.int64)[order]
        self.ship_to = np.array(ship_to, dtype=np.int64)[order]
        self.ship_qty = np.array(ship_qty)[order]
        self.ship_start = np.searchsorted(self.ship_batch, np.arange(n + 1))
        m = len(enterprise_ids)
        a, b, w = [], [], []
        for u, v, weight in ties:
            a += [self.enterprise_index[u], self.enterprise_index[v]]
            b += [self.enterprise_index[v], self.enterprise_index[u]]
            w += [weight, weight]
        self.ties = sparse.csr_matrix((np.array(w), (a, b)), shape=(m, m))

    def _bfs(self, adjacency: sparse.csr_matrix, starts: np.ndarray, max_depth: int, first: int) -> np.ndarray:
        """Shortest depth of every node within max_depth of `starts` (-1 elsewhere); starts get `first`."""
        depth = np.full(adjacency.shape[0], -1, dtype=np.int64)
        depth[starts] = first
        frontier = starts
        for level in range(1, max_depth + 1):
            if frontier.size == 0:
                break
            reached = np.unique(adjacency[frontier].indices)
            fresh = reached[depth[reached] < 0]
            depth[fresh] = level
            frontier = fresh
        return depth

    def trace_back(self, root: str, max_depth: int) -> list[tuple[str, int]]:
        start = self.batch_index[root]
        depth = self._bfs(self.up, np.array([start]), max_depth, first=0)
        depth[start] = -1
        found = np.nonzero(depth > 0)[0]
        return sorted(
            zip(self.batch_ids[found].tolist(), depth[found].tolist(), strict=True), key=lambda t: (t[1], t[0])
        )

    def recall_scope(
        self, sources: list[str], max_depth: int
    ) -> tuple[list[tuple[str, int]], dict[tuple[str, str], float]]:
        starts = np.array(sorted({self.batch_index[s] for s in sources}))
        depth = self._bfs(self.down, starts, max_depth, first=0)
        found = np.nonzero(depth >= 0)[0]
        affected = sorted(
            zip(self.batch_ids[found].tolist(), depth[found].tolist(), strict=True), key=lambda t: (t[1], t[0])
        )
        picks = [np.arange(self.ship_start[b], self.ship_start[b + 1]) for b in found]
        rows = np.concatenate(picks) if picks else np.array([], dtype=np.int64)
        keys = self.ship_to[rows] * len(self.batch_ids) + self.ship_batch[rows]
        unique, inverse = np.unique(keys, return_inverse=True)
        sums = np.zeros(len(unique))
        np.add.at(sums, inverse, self.ship_qty[rows])
        holdings = {
            (self.enterprise_ids[k // len(self.batch_ids)], self.batch_ids[k % len(self.batch_ids)]): float(q)
            for k, q in zip(unique.tolist(), sums.tolist(), strict=True)
        }
        return affected, holdings

    def contagion(self, sources: list[str], max_hops: int, min_score: float) -> list[tuple[str, float]]:
        """Hop-bounded max-product per source (a Bellman-Ford over max_hops rounds of sparse products), noisy-OR."""
        index = [self.enterprise_index[s] for s in sorted(set(sources))]  # id order, as the graph layer
        spared = np.ones(self.ties.shape[0])
        for s in index:
            best = np.zeros(self.ties.shape[0])
            best[s] = 1.0
            for _ in range(max_hops):
                reached = self.ties.multiply(best[np.newaxis, :]).max(axis=1).toarray().ravel()
                best = np.maximum(best, reached)
            best[s] = 0.0
            spared *= 1.0 - np.round(best, PRECISION)
        spared[index] = 1.0  # sources are not listed
        scores = np.round(1.0 - spared, PRECISION)
        listed = np.nonzero((scores >= min_score) & (scores > 0))[0]
        found = zip(self.enterprise_ids[listed].tolist(), scores[listed].tolist(), strict=True)
        return sorted(found, key=lambda s: (-s[1], s[0]))


def tie_rows(records: Iterable[dict[str, Any]]) -> list[tuple[str, str, float]]:
    """The pair weights by the contract's rules, computed from the records in memory (for the floor)."""
    persons: set[str] = set()
    links: list[dict[str, Any]] = []  # resolved after the pass: a link may come before its person
    best: dict[tuple[str, str], float] = {}

    def offer(a: str, b: str, kind: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        best[key] = max(best.get(key, 0.0), TIE_WEIGHTS[kind])

    for r in records:  # one pass: a stream at L
        if r["type"] == "shipment":
            offer(r["from"], r["to"], "TRADE")
        elif r["type"] == "link":
            links.append(r)
        elif r["type"] == "person":
            persons.add(r["id"])
    serves: dict[str, set[str]] = {}
    for r in links:
        if r["from"] in persons:
            if r["kind"] != "SHAREHOLDER" or r["share"] >= 0.5:
                serves.setdefault(r["from"], set()).add(r["to"])
        else:
            share = r["share"]
            offer(r["from"], r["to"], "CONTROL" if share >= 0.5 else "SHAREHOLDING" if share >= 0.2 else "MINOR_SHARE")
    for enterprises in serves.values():
        ordered = sorted(enterprises)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                offer(a, b, "SHARED_PERSON")
    return [(a, b, w) for (a, b), w in best.items()]
