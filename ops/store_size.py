"""Measure what the graph costs on disk, for docs/scale-out.md: import generated data sets of two sizes into an
instance of its own, stop it cleanly (a checkpoint: every store file holds what was written), and read the store
files' sizes beside the counts of nodes, relationships and properties.

    python ops/store_size.py [--sizes S,M] [--port 7692] [--seed 1]

Per size it prints one JSON line: the counts, the bytes of each store file family (node, relationship, property,
string/array, token, schema indexes, transaction logs) and the total. The bytes per node and relationship are the
difference between two sizes divided by the difference of their counts: the fixed costs of an empty store
(preallocated files, the system database) cancel out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import migrations  # noqa: E402
from graph.db import Graph, open_driver  # noqa: E402
from graph.settings import Settings  # noqa: E402
from ops.faults import ops, run_import  # noqa: E402  (the local Neo4j helpers and the CLI import the faults run use)

FAMILIES = {  # store file name fragment -> family (Neo4j 5 record format)
    "nodestore": "nodes",
    "relationshipstore": "relationships",
    "relationshipgroupstore": "relationshipGroups",
    "propertystore.db.strings": "strings",
    "propertystore.db.arrays": "arrays",
    "propertystore.db.index": "tokens",
    "propertystore.db": "properties",
    "labeltokenstore": "tokens",
    "relationshiptypestore": "tokens",
    "schemastore": "schema",
    "counts": "counts",
}


def store_bytes(database_dir: Path, tx_dir: Path) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for path in database_dir.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(database_dir).as_posix()
        if relative.startswith("schema/"):
            sizes["indexes"] += path.stat().st_size
            continue
        family = next((f for fragment, f in FAMILIES.items() if fragment in path.name), "other")
        sizes[family] += path.stat().st_size
    sizes["transactionLogs"] = sum(p.stat().st_size for p in tx_dir.rglob("*") if p.is_file())
    sizes["store"] = sum(v for k, v in sizes.items() if k != "transactionLogs")
    return dict(sizes)


def generated(data: Path, size: str, seed: int) -> None:
    if not data.exists():
        command = ["generate", "--size", size, "--seed", str(seed), "--out", str(data)]
        subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *command], cwd=ROOT, check=True)


async def measure(inst: Any, size: str, seed: int) -> dict[str, Any]:
    """One size's counts and store bytes; size "0" is the empty graph (the schema and migrations only)."""
    data = ROOT / "var" / "faults" / f"{size}-{seed}.ndjson"
    if size != "0":
        await asyncio.to_thread(generated, data, size, seed)
    await asyncio.to_thread(ops.wipe, inst)
    await asyncio.to_thread(ops.start, inst, 300)
    uri = f"bolt://127.0.0.1:{inst.port}"
    settings = Settings(neo4j_uri=uri, credit_sweep_interval_s=0, query_timeout_s=600)
    graph = Graph(open_driver(settings), settings)
    try:
        await migrations.upgrade(graph)
        started = time.monotonic()
        if size != "0":
            run = run_import(data, uri)
            out, _ = await asyncio.to_thread(run.communicate)
            if run.returncode != 0:
                raise SystemExit(f"[store_size] the import failed:\n{out.decode()[-2000:]}")
        took = time.monotonic() - started
        counts = dict((await graph.read("ops/store_counts"))[0])
    finally:
        await graph.close()
    await asyncio.to_thread(ops.stop, inst)  # a clean stop checkpoints: the store files hold everything
    data_dir = inst.home / "data"
    sizes = store_bytes(data_dir / "databases" / "neo4j", data_dir / "transactions" / "neo4j")
    file_bytes = data.stat().st_size if size != "0" else 0
    return {"size": size, "importSeconds": round(took, 1), "fileBytes": file_bytes, **counts, "bytes": sizes}


def per_unit(small: dict[str, Any], large: dict[str, Any]) -> dict[str, float]:
    """Marginal bytes between two sizes: node-record families per node, relationship families per relationship,
    properties per property, and the whole store per (node + relationship)."""

    def delta(key: str) -> float:
        return large["bytes"].get(key, 0) - small["bytes"].get(key, 0)

    nodes = large["nodes"] - small["nodes"]
    rels = large["relationships"] - small["relationships"]
    props = (large["nodeProperties"] + large["relationshipProperties"]) - (
        small["nodeProperties"] + small["relationshipProperties"]
    )
    return {
        "nodeRecordBytesPerNode": round(delta("nodes") / nodes, 1),
        "relationshipRecordBytesPerRelationship": round(
            (delta("relationships") + delta("relationshipGroups")) / rels, 1
        ),
        "propertyBytesPerProperty": round((delta("properties") + delta("strings") + delta("arrays")) / props, 1),
        "indexBytesPerNode": round(delta("indexes") / nodes, 1),
        "storeBytesPerNode": round(delta("store") / nodes, 1),
        "relationshipsPerNode": round(rels / nodes, 2),
        "propertiesPerNode": round(props / nodes, 2),
    }


async def run(args: argparse.Namespace) -> int:
    inst = ops.Instance("store-size", args.port, heap="1g", pagecache="512m", tx_timeout="600s")
    results = []
    try:
        for size in args.sizes.split(","):
            result = await measure(inst, size, args.seed)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        await asyncio.to_thread(ops.stop, inst)
    if len(results) >= 2:
        print(
            json.dumps(
                {"marginal": f"{results[0]['size']}->{results[-1]['size']}", **per_unit(results[0], results[-1])}
            )
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # planner notes about a young graph
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", default="S,M", help="comma-separated generated sizes (seed/generate.py), smallest first"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=7692)
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
