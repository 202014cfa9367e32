"""Navigation lists per level: each nav/ statement run once for every parent of a level (a sample of the
batches, enterprises, products or labs), as the DataLoaders run it for a level of a GraphQL answer, on the graph
of an already loaded Neo4j (e.g. the `bench` instance after `make bench SIZE=S`, or `--load S` into an instance
you may empty). Times the first page (100) and a page after a cursor; `--compare REV` times the statements of
another git revision on the same parents, alternated in random order (only first pages: older statements took no
cursor).

    python -m bench.nav_levels --port 7690 [--reps 30] [--parents 1000] [--compare 6261ef8] [--load S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from neo4j import Query

from graph.cypher import cypher
from graph.db import Graph, open_driver
from graph.imports import import_lines
from graph.lookup import NAV
from graph.schema import apply_schema
from graph.settings import Settings
from seed.generate import generate

ROOT = Path(__file__).resolve().parent.parent
PAGE = 100

# The parents of a level: a sample of the nodes of the list's parent label (an answer's level holds at most
# GRAPHQL_MAX_OBJECTS, 20 000, objects; 1 000 parents by default).
PARENT_LABEL = {"batch": "Batch", "enterprise": "Enterprise", "product": "Product", "lab": "Lab"}


def parents_query(name: str) -> str:
    return f"MATCH (n:{PARENT_LABEL[name.split('_')[0]]}) RETURN n.id AS id ORDER BY id"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(graph: Graph, text: str, params: dict[str, Any]) -> tuple[float, list[Any]]:
    async with graph.driver.session(database=graph.database) as session:
        started = time.perf_counter()
        result = await session.run(Query(text), params)
        rows = [r async for r in result]
        return (time.perf_counter() - started) * 1000, rows


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", neo4j_password="", credit_sweep_interval_s=0)
    graph = Graph(open_driver(settings), settings)
    if args.load:
        await graph.write("testing/wipe_all")
        await apply_schema(graph)
        report = await import_lines(graph, [json.dumps(r) for r in generate(args.load, 1)])
        assert report.ok, report.errors[:3]
    results: dict[str, Any] = {}
    for name in NAV:
        ids = [r["id"] for r in (await timed(graph, parents_query(name), {}))[1]]
        ids = sorted(random.Random(1).sample(ids, min(len(ids), args.parents)))
        new = cypher(f"nav/{name}")
        old = None
        if args.compare:
            old = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{args.compare}:cypher/nav/{name}.cypher"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        # A cursor inside a list: the key of the 50th item of the parent with the longest list, given (as a level
        # of an answer asking the same page would) for every parent.
        _, rows = await timed(graph, new, {"ids": ids, "limit": PAGE + 1, "after": None})
        by_parent: dict[str, list[Any]] = {}
        for row in rows:
            by_parent.setdefault(row["parent"], []).append(row["key"])
        keys = max(by_parent.values(), key=len, default=[])
        middle = keys[min(len(keys), PAGE // 2) - 1] if keys else None
        samples: dict[str, list[float]] = {"new": [], "new, after a cursor": [], "old": []}
        for rep in range(args.reps + 1):
            runs = [("new", new, {"ids": ids, "limit": PAGE + 1, "after": None})]
            runs.append(("new, after a cursor", new, {"ids": ids, "limit": PAGE + 1, "after": middle}))
            if old is not None:
                runs.append(("old", old, {"ids": ids, "limit": PAGE}))
            random.shuffle(runs)
            for label, text, params in runs:
                ms, _ = await timed(graph, text, params)
                if rep:  # the first round plans the statements
                    samples[label].append(ms)
        results[name] = {
            "parents": len(ids),
            "rows": len(rows),
            **{
                label: {"p50": round(statistics.median(s), 1), "p95": round(percentile(s, 0.95), 1)}
                for label, s in samples.items()
                if s
            },
        }
        print(name, json.dumps(results[name]), flush=True)
    await graph.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=7690)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--parents", type=int, default=1000, help="parents per level, a sample (seed 1) of them")
    parser.add_argument("--compare", help="a git revision whose nav/ statements to time beside these")
    parser.add_argument("--load", choices=["S", "M"], help="empty the instance and load this size first")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
