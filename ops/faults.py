"""Fault injection (`make faults`), bounded: kill -9 the Neo4j server in the middle of a large import, start it
again, re-run the import, and compare the graph with a clean run of the same input.

    python ops/faults.py [--size S] [--port 7691] [--seed 1]

The scenario, on a Neo4j instance of its own (`faults`, emptied first):
1. a clean run: `tracegraph import` of the generated data set into an empty graph; the graph is recorded;
2. the graph is emptied; the same import starts, and once a random share (20-80 %) of the nodes is written the
   server is killed with SIGKILL. While it is down the service's /readyz answers 503 and a query fails at once
   with SERVICE_UNAVAILABLE; the server is started again (crash recovery), the service answers again by itself;
3. the import is run again to the end, and the graph is compared with the clean one: nodes by label,
   relationships by type, the properties of a sample of nodes, and derived state (every enterprise's grades, the
   credit events as (enterprise, kind, from, to), contagion ties, signals). Lost, duplicated and out-of-step
   counts are printed; any that is not zero fails the run (exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "ops" / "neo4j_local.py")
ops = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(ops)  # type: ignore[union-attr]

from api.main import create_app  # noqa: E402  (after the ops module, which must load before the app)
from graph import migrations  # noqa: E402
from graph.db import Graph, open_driver  # noqa: E402
from graph.settings import Settings  # noqa: E402

SAMPLE = 300  # nodes whose properties are compared
DERIVED_CLOCK = "AtMs"  # properties ending so are times of evaluation, not data: they differ between two runs


def say(message: str) -> None:
    print(f"[faults] {message}", flush=True)


def run_import(file: Path, uri: str) -> subprocess.Popen[bytes]:
    # The harness measures loss and duplication, not latency: a store just recovered from a crash reads from a cold
    # page cache, and on a loaded machine a lookup then outlasts the service's 15 s read cap.
    env = {**os.environ, "NEO4J_URI": uri, "LOG_LEVEL": "WARNING", "QUERY_TIMEOUT_S": "120"}
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "import", str(file), "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def state(graph: Graph) -> dict[str, Any]:
    nodes = await graph.read("testing/all_nodes")
    relationships = await graph.read("testing/all_relationships")
    records = sorted(
        (n for n in nodes if "id" in n["props"] and not n["props"].get("seq")), key=lambda n: str(n["props"]["id"])
    )
    rng = random.Random(7)
    sample = rng.sample(records, min(SAMPLE, len(records)))
    return {
        "labels": Counter(label for n in nodes for label in n["labels"]),
        "types": Counter(r["type"] for r in relationships),
        "sample": {
            str(n["props"]["id"]): {k: v for k, v in n["props"].items() if not k.endswith(DERIVED_CLOCK)}
            for n in sample
        },
        "grades": {
            n["props"]["id"]: (n["props"].get("creditGrade"), n["props"].get("standingGrade"))
            for n in nodes
            if "Enterprise" in n["labels"]
        },
        "events": Counter(
            (n["props"]["enterpriseId"], n["props"]["kind"], n["props"]["fromGrade"], n["props"]["toGrade"])
            for n in nodes
            if "CreditEvent" in n["labels"]
        ),
    }


def compare(clean: dict[str, Any], faulty: dict[str, Any]) -> dict[str, int]:
    def lost(a: Counter[Any], b: Counter[Any]) -> int:
        return sum((a - b).values())

    return {
        "nodes lost": lost(clean["labels"], faulty["labels"]),
        "nodes duplicated": lost(faulty["labels"], clean["labels"]),
        "relationships lost": lost(clean["types"], faulty["types"]),
        "relationships duplicated": lost(faulty["types"], clean["types"]),
        "sampled nodes differing": sum(clean["sample"][k] != faulty["sample"].get(k) for k in clean["sample"]),
        "grades out of step": sum(clean["grades"][k] != faulty["grades"].get(k) for k in clean["grades"]),
        "credit events lost": lost(clean["events"], faulty["events"]),
        "credit events duplicated": lost(faulty["events"], clean["events"]),
    }


async def while_down(settings: Settings) -> None:
    """The service with Neo4j killed: readiness says so, a query fails fast with SERVICE_UNAVAILABLE."""
    graph = Graph(open_driver(settings), settings)
    app = create_app(graph=graph)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://faults") as client:
            ready = (await client.get("/readyz")).status_code
            started = time.monotonic()
            body = (await client.post("/graphql", json={"query": '{ enterprise(id: "E1") { id } }'})).json()
            took = time.monotonic() - started
        code = body["errors"][0]["extensions"]["code"]
        say(f"while Neo4j is down: /readyz {ready}, a query answered {code} in {took:.1f} s")
        if ready != 503 or code != "SERVICE_UNAVAILABLE" or took > 10:
            raise SystemExit("[faults] the service did not say that Neo4j is down")
    finally:
        await graph.close()


async def ready_again(settings: Settings) -> None:
    graph = Graph(open_driver(settings), settings)
    app = create_app(graph=graph)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://faults") as client:
            status = (await client.get("/readyz")).status_code
        say(f"Neo4j back: /readyz {status}")
        if status != 200:
            raise SystemExit("[faults] the service did not recover when Neo4j came back")
    finally:
        await graph.close()


async def scenario(args: argparse.Namespace) -> int:
    inst = ops.Instance("faults", args.port, heap="1g", pagecache="512m", tx_timeout="120s")
    ops.wipe(inst)
    ops.start(inst, 300)
    uri = f"bolt://127.0.0.1:{args.port}"
    # Reading the whole graph back takes longer than a query of the service may.
    settings = Settings(neo4j_uri=uri, credit_sweep_interval_s=0, query_timeout_s=300)
    data = args.data
    graph = Graph(open_driver(settings), settings)
    try:
        await migrations.upgrade(graph)
        started = time.monotonic()
        clean_run = run_import(data, uri)
        out, _ = await asyncio.to_thread(clean_run.communicate)
        if clean_run.returncode != 0:
            raise SystemExit(f"[faults] the clean import failed:\n{out.decode()[-2000:]}")
        clean_s = time.monotonic() - started
        say(f"clean import took {clean_s:.1f} s")
        clean = await state(graph)
        say(f"clean run: {sum(clean['labels'].values())} labels on nodes, {sum(clean['types'].values())} relationships")

        await graph.write_schema("testing/wipe_all")
        await migrations.upgrade(graph)  # as the clean run had it (its SchemaMigration and Lease nodes)
        rng = random.Random(args.seed if args.kill_at is None else None)
        at = args.kill_at if args.kill_at is not None else rng.uniform(0.2, 0.8)
        total = (await graph.read("testing/count_nodes"))[0]["nodes"] + sum(clean["labels"].values())
        faulty_run = run_import(data, uri)
        # Killed once that share of the nodes is written: in the middle of the writes, whatever the machine's speed.
        while (await graph.read("testing/count_nodes"))[0]["nodes"] < at * sum(clean["labels"].values()):
            if faulty_run.poll() is not None:
                raise SystemExit("[faults] the import ended before the kill")
            await asyncio.sleep(0.2)
        pid = inst.running_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        say(f"killed Neo4j (pid {pid}) with SIGKILL with {at:.0%} of the nodes written (of about {total})")
        out, _ = await asyncio.to_thread(faulty_run.communicate)
        say(f"the interrupted import exited with status {faulty_run.returncode}: {out.decode().strip()[-300:]}")
        await while_down(settings)
        ops.start(inst, 300)  # crash recovery
        await ready_again(settings)
        rerun = run_import(data, uri)
        out, _ = await asyncio.to_thread(rerun.communicate)
        if rerun.returncode != 0:
            raise SystemExit(f"[faults] the re-run failed:\n{out.decode()[-2000:]}")
        faulty = await state(graph)
    finally:
        await graph.close()
        ops.stop(inst)
    result = compare(clean, faulty)
    for name, count in result.items():
        say(f"{name}: {count}")
    print(json.dumps({"scenario": "neo4j-kill-during-import", "size": args.size, "killAt": at, **result}))
    return 1 if any(result.values()) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="S", help="the generated data set (seed/generate.py): S, M or L")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "7691")))
    parser.add_argument(
        "--kill-at", type=float, help="share of the nodes written when Neo4j is killed (default: random 0.2-0.8)"
    )
    args = parser.parse_args(argv)
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # as the CLI: planner notes are noise here
    args.data = ROOT / "var" / "faults" / f"{args.size}-{args.seed}.ndjson"
    if not args.data.exists():
        command = ["generate", "--size", args.size, "--seed", str(args.seed), "--out", str(args.data)]
        subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *command], cwd=ROOT, check=True)
    return asyncio.run(scenario(args))


if __name__ == "__main__":
    sys.exit(main())
