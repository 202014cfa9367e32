"""Blacklist contagion (contract/core.graphql): how risk spreads from source enterprises over their ties.

The ties between enterprises are kept as one TIED_TO relationship per pair holding the pair's best tie
(cypher/contagion/refresh_ties.cypher, refreshed by every import that touches shipments or links). A request
fetches the association neighbourhood its paths can use in one query, then computes here:

    best(s, v)  the largest product of tie weights over paths s -> v of at most maxHops edges
    score(v)    1 - PRODUCT over sources s != v of (1 - best(s, v)); sources themselves are not listed

best is a hop-bounded max-product path: a Bellman-Ford over at most maxHops rounds in which only nodes
improved in the previous round relax their edges (a value reached in fewer hops and at least as high
dominates one reached later, so nothing else can improve).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from graph.db import Graph
from graph.errors import BadInput, NotFound, check_range
from graph.lookup import now_ms

TIE_WEIGHTS: dict[str, float] = {
    "CONTROL": 0.8,
    "SHARED_PERSON": 0.6,
    "SHAREHOLDING": 0.5,
    "TRADE": 0.3,
    "MINOR_SHARE": 0.2,
}
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


@dataclass(frozen=True)
class Hop:
    from_: str
    to: str
    kind: str
    weight: float
    via: str | None


@dataclass(frozen=True)
class ContagionPath:
    source: str
    score: float
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class Exposure:
    enterprise: str
    score: float
    action: Action
    evidence: tuple[ContagionPath, ...]


@dataclass(frozen=True)
class _Tie:
    other: str
    weight: float
    kind: str
    via: str | None


Adjacency = dict[str, list[_Tie]]


def adjacency(rows: Iterable[tuple[str, str, str, float, str | None]]) -> Adjacency:
    """Undirected adjacency from (a, b, kind, weight, via) rows; a tie seen from both ends counts once."""
    seen: set[tuple[str, str]] = set()
    adj: Adjacency = defaultdict(list)
    for a, b, kind, weight, via in rows:
        key = (a, b) if a < b else (b, a)
        if key in seen:
            continue
        seen.add(key)
        adj[a].append(_Tie(b, weight, kind, via))
        adj[b].append(_Tie(a, weight, kind, via))
    for ties in adj.values():
        ties.sort(key=lambda t: t.other)  # deterministic: equal products keep the first path found
    return adj


History = dict[str, list[tuple[int, float, str | None, "_Tie | None"]]]


def _search(adj: Adjacency, source: str, max_hops: int) -> History:
    """history[v]: (round, value, parent, tie) each time v improved within max_hops rounds; the last entry
    holds best(source, v)."""
    history: History = {source: [(0, 1.0, None, None)]}
    frontier = [source]
    for round_ in range(1, max_hops + 1):
        improved: dict[str, tuple[float, str, _Tie]] = {}
        for u in frontier:
            value_u = history[u][-1][1]
            for tie in adj.get(u, ()):
                value = value_u * tie.weight
                known = history.get(tie.other)
                if (known is None or value > known[-1][1]) and value > improved.get(tie.other, (0.0,))[0]:
                    improved[tie.other] = (value, u, tie)
        for v, (value, u, tie) in improved.items():
            history.setdefault(v, []).append((round_, value, u, tie))
        frontier = sorted(improved)
        if not frontier:
            break
    return history


def _path(history: History, source: str, v: str) -> ContagionPath:
    """The path behind best(source, v): each parent's entry as it stood at the end of the round before, so
    the path is never longer than the round it was found in."""
    round_, value, parent, tie = history[v][-1]
    hops: list[Hop] = []
    node = v
    while parent is not None and tie is not None:
        hops.append(Hop(parent, node, tie.kind, tie.weight, tie.via))
        node = parent
        round_, _, parent, tie = next(e for e in reversed(history[node]) if e[0] <= round_ - 1)
    return ContagionPath(source, round(value, PRECISION), tuple(reversed(hops)))


def best_paths(adj: Adjacency, source: str, max_hops: int) -> dict[str, ContagionPath]:
    """best(source, v) and one path achieving it, for every v != source reachable in max_hops edges."""
    history = _search(adj, source, max_hops)
    return {v: _path(history, source, v) for v in history if v != source}


def exposures(adj: Adjacency, sources: Sequence[str], max_hops: int, min_score: float) -> list[Exposure]:
    """The contract's contagion over an adjacency that holds every tie the paths may use."""
    source_set = set(sources)
    searches = {s: _search(adj, s, max_hops) for s in sorted(source_set)}
    # 1 - score = PRODUCT of (1 - best); paths are rebuilt only for the enterprises that are listed.
    spared: dict[str, float] = defaultdict(lambda: 1.0)
    for history in searches.values():
        for v, entries in history.items():
            if v not in source_set:
                spared[v] *= 1.0 - round(entries[-1][1], PRECISION)
    result = []
    for v, remaining in spared.items():
        score = round(1.0 - remaining, PRECISION)
        if score >= min_score and score > 0:
            paths = [_path(h, s, v) for s, h in searches.items() if v in h]
            evidence = tuple(sorted((p for p in paths if p.score > 0), key=lambda p: (-p.score, p.source)))
            result.append(Exposure(v, score, action_for(score), evidence))
    result.sort(key=lambda e: (-e.score, e.enterprise))
    return result


async def default_sources(graph: Graph, now: int | None = None) -> list[str]:
    """Every enterprise with a blacklist listing in force."""
    return [r["id"] for r in await graph.read("contagion/blacklisted", now=now if now is not None else now_ms())]


async def contagion(
    graph: Graph, source_ids: Sequence[str] | None = None, max_hops: int = 3, min_score: float = 0.05
) -> list[Exposure]:
    check_range("maxHops", max_hops, 1, MAX_HOPS)
    check_range("minScore", min_score, 0, 1)
    if source_ids is None:
        sources = await default_sources(graph)
    else:
        sources = list(dict.fromkeys(source_ids))
        found = {r["enterprise"]["id"] for r in await graph.read("lookup/enterprises", ids=sources, now=now_ms())}
        for s in sources:
            if s not in found:
                raise NotFound("enterprise", s, "sourceIds")
    if not sources:
        return []
    limit = graph.settings.contagion_max_ties
    rows = await graph.read("contagion/neighbourhood", sourceIds=sources, maxHops=max_hops, limit=limit + 1)
    ties = rows[0]["ties"] if rows else []
    if len(ties) > limit:
        raise BadInput(
            "maxHops", f"the association neighbourhood exceeds {limit} ties; use fewer sources or fewer hops"
        )
    adj = adjacency(tuple(t) for t in ties)
    found = exposures(adj, sources, max_hops, min_score)
    if min_score <= 0:
        found += await _unreached(graph, [*sources, *(e.enterprise for e in found)])
    return found


async def _unreached(graph: Graph, reached: list[str]) -> list[Exposure]:
    """With minScore 0, "every enterprise with score >= minScore" includes those no source reaches (score 0,
    no evidence); they sort last, by id."""
    limit = graph.settings.contagion_max_ties
    rows = await graph.read("contagion/other_enterprises", exclude=reached, limit=limit + 1)
    if len(rows) > limit:
        raise BadInput("minScore", f"0 would list more than {limit} enterprises of score 0; use a minScore above 0")
    return [Exposure(r["id"], 0.0, Action.INFORMATION, ()) for r in rows]


async def exposures_of(graph: Graph, ids: Sequence[str]) -> list[Exposure | None]:
    """Each enterprise's exposure to the blacklisted enterprises (default hops, any score); one run for all."""
    found = {e.enterprise: e for e in await contagion(graph, None, min_score=ANY_EXPOSURE)}
    return [found.get(i) for i in ids]


async def refresh_ties(graph: Graph, enterprise_ids: Iterable[str]) -> int:
    """Bring the TIED_TO pairs of these enterprises up to date, a bounded batch per transaction."""
    ids = sorted(set(enterprise_ids))
    size = max(1, graph.settings.import_batch_size // 10)  # each enterprise may pull in thousands of shipments
    refreshed = 0
    for start in range(0, len(ids), size):
        rows = await graph.write("contagion/refresh_ties", enterpriseIds=ids[start : start + size], weights=TIE_WEIGHTS)
        refreshed += rows[0]["refreshed"] if rows else 0
    return refreshed


async def refresh_pending_ties(graph: Graph) -> int:
    """Refresh the ties imports recorded as changed (TiesToRefresh work items, written in the same transaction
    as the change), then drop those items: an interrupted run leaves them for the next one."""
    items = await graph.read("contagion/pending_tie_work")
    if not items:
        return 0
    refreshed = await refresh_ties(graph, (e for item in items for e in item["enterprises"]))
    await graph.write("contagion/finish_tie_work", items=[item["item"] for item in items])
    return refreshed
