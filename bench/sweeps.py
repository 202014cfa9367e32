"""How a query's cost grows: p95 against depth (1..50) and against the size of a recall scope, on every system
(graph layer, HTTP GraphQL, PostgreSQL, floor), each point's answers checked against the floor.

Two sources of starts:
- the generated set, measured first: trace roots whose upstream is deepest (the generator's bills of materials are
  at most 8 tiers), single recall sources binned by the size of their scope (1, 10, 100, 1 000, 10 000 lots);
- the stress shapes of seed/shapes.py, the same at every size (so S, M and L answer the very same question over a
  larger graph): deep co-mingling chains (silos, 50 tiers) traced at maxDepth 1..50, and super-spreader ingredient
  lots whose recall reaches 1 000 to 50 000 lots. Without seed/shapes.py only the first kind runs.
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

DEPTHS_DATA = (1, 2, 3, 4, 5, 6, 7, 8, 10)
DEPTHS_DEEP = (1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 40, 50)
SCOPE_BINS = (1, 10, 100, 1_000, 10_000, 100_000)  # lower bounds of the scope-size bins (lots)
DEEP_CHAINS, DEEP_TIERS, DEEP_PREFIX = 4, 50, "SILO"
SPREADERS = ((1_000, 200), (10_000, 1_000), (50_000, 2_000))  # (lots, consignees)
ROOTS_PER_POINT = 8
POINT_BUDGET_S = 20.0  # a point's timing stops after this long per system (at least 3 calls)
RECALL_DEPTH = 10
DEEP_RECALL_DEPTH = 50


def shapes() -> ModuleType | None:
    try:  # BENCH_SHAPES_MODULE: another module with the same functions (a stand-in while seed/shapes.py is young)
        return importlib.import_module(os.environ.get("BENCH_SHAPES_MODULE", "seed.shapes"))
    except ImportError:
        return None


def spreader_prefix(lots: int) -> str:
    return f"SPREAD{lots}"


def write_shapes(path: Path, seed: int) -> Path | None:
    """The stress shapes as NDJSON (regenerated each run: cheap, and seed/shapes.py may change), or None."""
    module = shapes()
    if module is None:
        return None
    with path.open("w") as f:
        streams = [module.deep_chains(DEEP_CHAINS, DEEP_TIERS, seed=seed, prefix=DEEP_PREFIX)]
        streams += [
            module.super_spreader(lots, consignees, seed=seed, prefix=spreader_prefix(lots))
            for lots, consignees in SPREADERS
        ]
        for stream in streams:
            for record in stream:
                f.write(json.dumps(record, separators=(",", ":")) + "\n")
    return path


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)


async def time_point(systems: Any, query: str, starts: list[Any], depth: int, repeat: int) -> dict[str, Any]:
    """One sweep point: every start on every system, `repeat` rounds (bounded by POINT_BUDGET_S per system);
    the first round checks each answer against the floor's and, when more follow, is not timed: it is the first
    read of these starts (cold pages, first plans), which took the deep chains' p95 at maxDepth 1, the sweep's
    first point, to 300 ms at M against 8 ms at maxDepth 2."""
    from bench.run import attempt, same

    names = systems.names()
    samples: dict[str, list[float]] = {n: [] for n in names}
    refused: dict[str, str] = {}
    spent = dict.fromkeys(names, 0.0)
    agree, sizes = True, []
    for round_ in range(repeat):
        for start in starts:
            reference = None
            for name in ("floor", *[n for n in names if n != "floor"]):
                if name in refused or (round_ >= 3 and spent[name] > POINT_BUDGET_S):
                    continue
                got = await attempt(systems.timed(query, name, start, depth))
                if isinstance(got, str):
                    refused[name] = got
                    continue
                ms, answer = got
                if round_ > 0 or repeat == 1:
                    samples[name].append(ms)
                spent[name] += ms / 1000
                if round_ == 0:
                    if name == "floor":
                        reference = answer
                        sizes.append(len(answer[0] if query == "recallScope" else answer))
                    elif not same(reference, answer):
                        agree = False
    return {
        "depth": depth,
        "starts": len(starts),
        "answer_lots": statistics.median(sizes) if sizes else None,
        "agree": agree,
        "refused": refused,
        **{f"{n}_p95_ms": p95(s) for n, s in samples.items() if s},
        **{f"{n}_n": len(s) for n, s in samples.items() if s},
    }


async def depth_from_data(systems: Any, starts: dict[str, list[Any]], repeat: int) -> list[dict[str, Any]]:
    """The roots (of the traceBack starts) with the deepest upstream, traced at each maxDepth."""
    roots = sorted(
        set(starts["traceBack"]),
        key=lambda r: -max((d for _, d in systems.floor.trace_back(r, 50)), default=0),
    )[:ROOTS_PER_POINT]
    return [await time_point(systems, "traceBack", roots, d, max(2, repeat // 3)) for d in DEPTHS_DATA]


async def scope_from_data(systems: Any, starts: dict[str, list[Any]], repeat: int, seed: int) -> list[dict[str, Any]]:
    """Single recall sources binned by the size of their scope (at maxDepth 10), measured on the floor."""
    rng = random.Random(seed)
    bins: dict[int, list[str]] = {b: [] for b in SCOPE_BINS}
    candidates = rng.sample(starts["batch_ids"], min(len(starts["batch_ids"]), 3000))
    candidates.sort()  # raw lots first (the generator numbers tier 0 first): theirs are the large scopes
    for batch in candidates:
        size = len(systems.floor.recall_scope([batch], RECALL_DEPTH)[0])
        bucket = SCOPE_BINS[bisect.bisect_right(SCOPE_BINS, size) - 1]
        if len(bins[bucket]) < ROOTS_PER_POINT:
            bins[bucket].append(batch)
    points = []
    for bucket, sources in bins.items():
        if sources:
            point = await time_point(systems, "recallScope", [[s] for s in sources], RECALL_DEPTH, max(2, repeat // 3))
            points.append({"bin_from_lots": bucket, **point})
    return points


async def shape_sweeps(systems: Any, repeat: int) -> dict[str, Any]:
    module = shapes()
    if module is None:
        return {}
    leaf = module.deep_chain_leaf(DEEP_CHAINS, DEEP_TIERS, DEEP_PREFIX)
    deep = [await time_point(systems, "traceBack", [leaf], d, repeat) for d in DEPTHS_DEEP]
    spread = []
    for lots, consignees in SPREADERS:
        root = module.super_spreader_root(spreader_prefix(lots))
        point = await time_point(systems, "recallScope", [[root]], DEEP_RECALL_DEPTH, repeat)
        spread.append({"lots": lots, "consignees": consignees, **point})
    return {"deep_chain_leaf": leaf, "depth": deep, "spreaders": spread}


async def run_all(
    systems: Any,
    starts: dict[str, list[Any]],
    args: argparse.Namespace,
    say: Callable[[str], None],
    save: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, sweep in (
        ("depth_data", lambda: depth_from_data(systems, starts, args.sweep_repeat)),
        ("scope_data", lambda: scope_from_data(systems, starts, args.sweep_repeat, args.seed)),
        ("shapes", lambda: shape_sweeps(systems, args.sweep_repeat)),
    ):
        began = time.perf_counter()
        say(f"sweep {name}")
        out[name] = await sweep()
        say(f"sweep {name}: {time.perf_counter() - began:.0f} s")
        save(out)
    return out
