"""The hop-bounded max-product search of contagion, vectorised with numpy.

A neighbourhood of tens of thousands of ties is searched from ten sources per request; relaxing edge by edge in
Python took seconds. Here each round relaxes every edge at once (a Bellman-Ford bounded to max_hops rounds, each
round reading the values of the round before), keeping for each node and round the edge that improved it, so a
best path can be rebuilt hop by hop. Ties between equal products go to the smallest neighbour id, as in a search
that visits neighbours in id order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Edge:
    kind: str
    weight: float
    via: str | None


class TieGraph:
    """Undirected ties as arrays: directed edges sorted by (target, source) index, node indexes in id order."""

    def __init__(self, a: list[str], b: list[str], kinds: list[str], weights: list[float], vias: list[str | None]):
        """From parallel columns, the tie between a[i] and b[i] of kinds[i], weights[i] and vias[i]; a tie seen from
        both ends counts once."""
        self.ids: list[str] = sorted(set(a) | set(b))  # a few thousand enterprises; the ties are many more
        self.index = {node: i for i, node in enumerate(self.ids)}
        first = np.fromiter(map(self.index.__getitem__, a), dtype=np.int64, count=len(a))
        second = np.fromiter(map(self.index.__getitem__, b), dtype=np.int64, count=len(b))
        # a tie seen from both ends counts once: keep the first row of each unordered pair
        low, high = np.minimum(first, second), np.maximum(first, second)
        _, keep = np.unique(low * max(1, len(self.ids)) + high, return_index=True)
        keep.sort()
        first, second = first[keep], second[keep]
        self.ties = len(keep)  # unordered pairs
        self._ties = [(kinds[k], weights[k], vias[k]) for k in keep.tolist()]  # (kind, weight, via) per pair
        pair = np.arange(len(keep), dtype=np.int64)
        src, dst, pair = np.r_[first, second], np.r_[second, first], np.r_[pair, pair]
        order = np.lexsort((src, dst))
        self.src, self.dst, self.pair_of = src[order], dst[order], pair[order]
        self.weight = np.asarray(weights, dtype=np.float64)[keep][self.pair_of] if len(keep) else np.array([])
        if len(self.dst):
            self.group_start = np.flatnonzero(np.r_[True, self.dst[1:] != self.dst[:-1]])
        else:
            self.group_start = np.array([], dtype=np.int64)
        self.group_node = self.dst[self.group_start]
        sizes = np.diff(np.r_[self.group_start, len(self.dst)])
        self.group_of_edge = np.repeat(np.arange(len(self.group_start)), sizes)

    def edge(self, position: int) -> Edge:
        kind, weight, via = self._ties[self.pair_of[position]]
        return Edge(kind, weight, via)

    def search(self, source: str, max_hops: int) -> Search:
        n = len(self.ids)
        best = np.zeros(n)
        improved_in = np.zeros((max_hops + 1, n), dtype=bool)
        parent_edge = np.full((max_hops + 1, n), -1, dtype=np.int64)
        s = self.index.get(source)
        if s is None or not len(self.dst):
            return Search(self, source, best, improved_in, parent_edge)
        best[s] = 1.0
        improved_in[0, s] = True
        for round_ in range(1, max_hops + 1):
            offered = best[self.src] * self.weight
            group_max = np.maximum.reduceat(offered, self.group_start)
            better = group_max > best[self.group_node]
            if not better.any():
                break
            # the first edge (smallest source index) of each improving group that offers its maximum: edges are
            # sorted by group, so each group's first is where the group changes (no sort, as np.unique made)
            edge_group = self.group_of_edge
            at_max = np.flatnonzero((offered == group_max[edge_group]) & better[edge_group])
            at_group = edge_group[at_max]
            first = np.r_[True, at_group[1:] != at_group[:-1]]
            groups = at_group[first]
            nodes = self.group_node[groups]
            best[nodes] = group_max[groups]
            improved_in[round_, nodes] = True
            parent_edge[round_, nodes] = at_max[first]
        return Search(self, source, best, improved_in, parent_edge)


class Search:
    """best(source, v) for every node, and the edges that built the best paths, round by round."""

    def __init__(self, graph: TieGraph, source: str, best: np.ndarray, improved_in: np.ndarray, parent: np.ndarray):
        self.graph = graph
        self.source = source
        self.best = best
        self.improved_in = improved_in
        self.parent_edge = parent
        self._rounds: dict[int, list[int]] | None = None
        self._parents: list[list[int]] = []

    def reached(self) -> np.ndarray:
        """Indexes of the nodes with best > 0, the source excluded."""
        found = np.flatnonzero(self.best > 0)
        s = self.graph.index.get(self.source)
        return found[found != s] if s is not None else found

    def _rounds_of(self) -> dict[int, list[int]]:
        """For each node, the rounds it improved in, ascending (plain ints: paths are rebuilt in Python)."""
        if self._rounds is None:
            rounds: dict[int, list[int]] = {}
            for round_, node in zip(*np.nonzero(self.improved_in), strict=True):
                rounds.setdefault(int(node), []).append(int(round_))
            self._rounds = rounds
            self._parents = self.parent_edge.tolist()
        return self._rounds

    def path(self, node: int) -> list[tuple[str, str, Edge]]:
        """Hops (from, to, edge) of a best path to `node`: each parent as it stood at the end of the round before,
        so the path is never longer than the round it was found in."""
        g = self.graph
        rounds = self._rounds_of()
        round_ = rounds[node][-1]
        hops = []
        while round_ > 0:
            p = self._parents[round_][node]
            parent = int(g.src[p])
            hops.append((g.ids[parent], g.ids[node], g.edge(p)))
            node = parent
            round_ = max(r for r in rounds[node] if r < round_)
        hops.reverse()
        return hops
