"""Blacklist contagion (contract/core.graphql): how risk spreads from source enterprises over their ties.

The ties between enterprises are kept as one TIED_TO relationship per pair holding the pair's best tie
(cypher/contagion/refresh_ties.cypher, refreshed by every import that touches shipments or links). A request
fetches the association neighbourhood its paths can use in one query, then computes here:

    best(s, v)  the largest product of tie weights over paths s -> v of at most maxHops edges
    score(v)    1 - PRODUCT over sources s != v of (1 - best(s, v)); sources themselves are not listed

best is a hop-bounded max-product path: a Bellman-Ford over at most maxHops rounds, vectorised with numpy
(graph/tie_search.py).

The tie graph is cached per process, as arrays, under the version every tie refresh sets (the whole graph, when it
holds at most contagion_max_ties ties): a request then reads one version and searches, instead of reading and
arraying the neighbourhood again (bench/RESULTS.md). Searching the whole graph gives the neighbourhood's answer
exactly: a path of at most maxHops ties only uses ties of the neighbourhood, and node indexes keep id order, so
equal products break to the same neighbour.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from operator import attrgetter

from graph.clock import now_ms
from graph.db import Graph
from graph.errors import BadInput, NotFound, check_range
from graph.read_model import column, in_order, read_model
from graph.tie_search import Edge, TieGraph

TIE_WEIGHTS: dict[str, float] = {
    "CONTROL": 0.8,
    "SHARED_PERSON": 0.6,
    "SHAREHOLDING": 0.5,
    "TRADE": 0.3,
    "MINOR_SHARE": 0.2,
}
KIND_OF_WEIGHT = {weight: kind for kind, weight in TIE_WEIGHTS.items()}  # weights are distinct per kind
MAX_HOPS = 6
# Scores are products and complements of decimal weights; rounding them to 9 places makes a score that is
# 0.6 in exact arithmetic compare as 0.6 against the action thresholds (0.1 * 6 is not 0.6 in binary).
PRECISION = 9
ANY_EXPOSURE = 10**-PRECISION  # the smallest score above 0


class Action(StrEnum):
    DOWNGRADE_REVIEW = "DOWNGRADE_REVIEW"
    RAISED_INSPECTION = "RAISED_INSPECTION"
    INFORMATION = "INFORMATION"


def action_for(score: float) -> Action:
    if score >= 0.6:
        return Action.DOWNGRADE_REVIEW
    if score >= 0.3:
        return Action.RAISED_INSPECTION
    return Action.INFORMATION


@read_model
class Hop:
    """One tie of a path, oriented from the source towards the exposed enterprise. Read from the evidence a
    downgrade review keeps as JSON, whose keys are `from` and `to`."""

    kind: str
    weight: float
    via: str | None
    from_id: str = column("from")
    to_id: str = column("to")


@read_model
class ContagionPath:
    score: float
    hops: tuple[Hop, ...]
    source_id: str = column("source")


class Exposure:
    """An enterprise's score and action; its evidence paths are rebuilt when first asked for (a client that only
    reads scores never pays for thousands of paths)."""

    def __init__(
        self, enterprise: str, score: float, action: Action, evidence: Callable[[], tuple[ContagionPath, ...]]
    ):
        self.enterprise = enterprise
        self.score = score
        self.action = action
        self._evidence = evidence

    @cached_property
    def evidence(self) -> tuple[ContagionPath, ...]:
        """One best path per source with best > 0, by path score descending, then source id."""
        return self._evidence()

    def __repr__(self) -> str:
        return f"Exposure({self.enterprise!r}, {self.score}, {self.action.value})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Exposure):
            return NotImplemented
        mine = (self.enterprise, self.score, self.action, self.evidence)
        return mine == (other.enterprise, other.score, other.action, other.evidence)

    __hash__ = None  # type: ignore[assignment]


def _hops(found: list[tuple[str, str, Edge]]) -> tuple[Hop, ...]:
    return tuple(Hop(kind=edge.kind, weight=edge.weight, via=edge.via, from_id=a, to_id=b) for a, b, edge in found)


def exposures(adj: TieGraph, sources: Sequence[str], max_hops: int, min_score: float) -> list[Exposure]:
    """The contract's contagion over the ties (`adj`) that hold every tie the paths may use."""
    source_set = set(sources)
    excluded = {adj.index[s] for s in source_set if s in adj.index}
    searches = [adj.search(s, max_hops) for s in sorted(source_set)]
    # 1 - score = PRODUCT of (1 - best), sources in id order; paths are rebuilt only for listed enterprises.
    bests: list[dict[int, float]] = []
    spared: dict[int, float] = {}
    for search in searches:
        reached = search.reached()
        values = {int(i): round(float(v), PRECISION) for i, v in zip(reached, search.best[reached], strict=True)}
        bests.append(values)
        for i, value in values.items():
            if i not in excluded:
                spared[i] = spared.get(i, 1.0) * (1.0 - value)
    result = []
    for i, remaining in spared.items():
        score = round(1.0 - remaining, PRECISION)
        if score >= min_score and score > 0:

            def evidence(i: int = i) -> tuple[ContagionPath, ...]:
                paths = [
                    ContagionPath(score=values[i], hops=_hops(search.path(i)), source_id=search.source)
                    for search, values in zip(searches, bests, strict=True)
                    if values.get(i, 0) > 0
                ]
                return tuple(sorted(paths, key=lambda p: (-p.score, p.source_id)))

            result.append(Exposure(adj.ids[i], score, action_for(score), evidence))
    result.sort(key=lambda e: (-e.score, e.enterprise))
    return result


async def default_sources(graph: Graph, now: int | None = None) -> list[str]:
    """Every enterprise with a blacklist listing in force."""
    return [r["id"] for r in await graph.read("contagion/blacklisted", now=now if now is not None else now_ms())]


async def contagion(
    graph: Graph,
    source_ids: Sequence[str] | None = None,
    max_hops: int = 3,
    min_score: float = 0.05,
    evidence: bool = False,
) -> list[Exposure]:
    """The contract's contagion; `evidence` builds every exposure's evidence paths now, with the search."""
    check_range("maxHops", max_hops, 1, MAX_HOPS)
    check_range("minScore", min_score, 0, 1)
    if source_ids is None:
        sources = await default_sources(graph)
    else:
        sources = list(dict.fromkeys(source_ids))
        known = {r["enterprise"]["id"] for r in await graph.read("lookup/enterprises", ids=sources, now=now_ms())}
        for s in sources:
            if s not in known:
                raise NotFound("enterprise", s, "sourceIds")
    if not sources:
        return []
    limit = graph.settings.contagion_max_ties
    adj = await cached_ties(graph)
    if adj is None or adj.ties > limit:
        rows = await graph.read("contagion/neighbourhood", sourceIds=sources, maxHops=max_hops, limit=limit + 1)
        columns = rows[0] if rows else {"a": [], "b": [], "weight": [], "via": []}
        if len(columns["a"]) > limit:
            raise BadInput(
                "maxHops", f"the association neighbourhood exceeds {limit} ties; use fewer sources or fewer hops"
            )
        # Arrays, searches and paths are CPU-bound (seconds for a large neighbourhood): off the event loop, so the
        # server keeps answering other requests meanwhile.
        adj = await asyncio.to_thread(tie_graph, columns)
    found = await asyncio.to_thread(_search, adj, sources, max_hops, min_score, evidence)
    if min_score <= 0:
        found += await _unreached(graph, [*sources, *(e.enterprise for e in found)])
    return found


def tie_graph(columns: Mapping[str, list]) -> TieGraph:
    """The arrays of the parallel columns a, b, weight, via (neighbourhood.cypher, all_ties.cypher)."""
    kinds = [KIND_OF_WEIGHT[w] for w in columns["weight"]]
    vias = [v or None for v in columns["via"]]  # collect() drops nulls: the statements send "" for no via
    return TieGraph(columns["a"], columns["b"], kinds, columns["weight"], vias)


# The tie graph this process last read whole: its database and version, its arrays (None when it held more ties than
# the limit it was read with) and that limit. One entry: a request reads the version and finds it here or reads anew.
_cached: tuple[str, tuple[str, ...], TieGraph | None, int] | None = None


async def cached_ties(graph: Graph) -> TieGraph | None:
    """The whole tie graph at its current version, from this process's cache when it holds that version; None when
    the database has no version yet (no refresh since it was made or wiped) or more ties than contagion_max_ties.
    The caller checks the arrays' tie count against its limit (a setting may shrink it)."""
    global _cached
    version = tuple((await graph.read("contagion/tie_version"))[0]["version"])
    if not version:
        return None
    limit = graph.settings.contagion_max_ties
    if _cached is not None and _cached[:2] == (graph.database, version):
        adj, read_with = _cached[2], _cached[3]
        if adj is not None or read_with >= limit:  # arrays, or known to hold more ties than this limit
            return adj
    columns = (await graph.read("contagion/all_ties", limit=limit + 1))[0]
    adj = None if len(columns["a"]) > limit else await asyncio.to_thread(tie_graph, columns)
    # under the version read before the ties (all_ties.cypher): never newer than they are
    _cached = (graph.database, tuple(columns["version"]), adj, limit)
    return adj


def _search(adj: TieGraph, sources: list[str], max_hops: int, min_score: float, evidence: bool) -> list[Exposure]:
    found = exposures(adj, sources, max_hops, min_score)
    if evidence:
        for exposure in found:
            _ = exposure.evidence  # cached on the exposure
    return found


async def _unreached(graph: Graph, reached: list[str]) -> list[Exposure]:
    """With minScore 0, "every enterprise with score >= minScore" includes those no source reaches (score 0,
    no evidence); they sort last, by id."""
    limit = graph.settings.contagion_max_ties
    rows = await graph.read("contagion/other_enterprises", exclude=reached, limit=limit + 1)
    if len(rows) > limit:
        raise BadInput("minScore", f"0 would list more than {limit} enterprises of score 0; use a minScore above 0")
    return [Exposure(r["id"], 0.0, Action.INFORMATION, tuple) for r in rows]


async def exposures_of(graph: Graph, ids: Sequence[str]) -> list[Exposure | None]:
    """Each enterprise's exposure to the blacklisted enterprises (default hops, any score); one run for all."""
    return in_order(await contagion(graph, None, min_score=ANY_EXPOSURE), ids, key=attrgetter("enterprise"))


async def refresh_ties(graph: Graph, enterprise_ids: Iterable[str]) -> int:
    """Bring the TIED_TO pairs of these enterprises up to date, a bounded batch per transaction."""
    ids = sorted(set(enterprise_ids))
    size = max(1, graph.settings.import_batch_size // 10)  # each enterprise may pull in thousands of shipments
    refreshed = 0
    for start in range(0, len(ids), size):
        rows = await graph.write("contagion/refresh_ties", enterpriseIds=ids[start : start + size], weights=TIE_WEIGHTS)
        refreshed += rows[0]["refreshed"] if rows else 0
    return refreshed


async def refresh_pairs(graph: Graph, pairs: Iterable[tuple[str, str]]) -> int:
    """Bring the TIED_TO of these pairs of enterprises up to date, a batch per transaction."""
    ordered = sorted(pairs)
    size = graph.settings.import_batch_size
    refreshed = 0
    for start in range(0, len(ordered), size):
        batch = ordered[start : start + size]
        pair_from, pair_to = [a for a, _ in batch], [b for _, b in batch]
        rows = await graph.write("contagion/refresh_pairs", pairFrom=pair_from, pairTo=pair_to, weights=TIE_WEIGHTS)
        refreshed += rows[0]["refreshed"] if rows else 0
    return refreshed


async def refresh_pending_ties(graph: Graph) -> int:
    """Refresh the ties imports recorded as changed (TiesToRefresh work items, written in the same transaction
    as the change), then drop those items: an interrupted run leaves them for the next one. A link may change
    every tie of its enterprises, so those are recomputed whole; a shipment only its pair's, so only the pair is,
    unless one of its enterprises is recomputed whole anyway. Returns the enterprises and pairs refreshed."""
    items = await graph.read("contagion/pending_tie_work")
    if not items:
        return 0
    enterprises = {e for item in items for e in item["enterprises"]}
    pairs = {
        (a, b)
        for item in items
        for a, b in zip(item["pairFrom"], item["pairTo"], strict=True)
        if a not in enterprises and b not in enterprises
    }
    refreshed = await refresh_ties(graph, enterprises) + await refresh_pairs(graph, pairs)
    await graph.write("contagion/finish_tie_work", items=[item["item"] for item in items])
    return refreshed
