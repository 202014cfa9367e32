"""Ingest rate (issue 15, item 4): records/s of the normal import (`tracegraph import`: a fresh database, then the
same file again) and of the initial load (ops/initial_load.py: validation, CSV, neo4j-admin's bulk import, schema,
derived state), each into an empty instance of its own (`bench`, wiped and started on --port).

    python -m bench.ingest_rate --size M                     # normal import (fresh, re-import) and initial load
    python -m bench.ingest_rate --size L --only initial      # the initial load at L (1 000 000 lots)
    python -m bench.ingest_rate --size M --only normal --code DIR   # the normal import with another checkout's code
    python -m bench.ingest_rate --size M --stages                  # where the normal import's time goes, per stage
    python -m bench.ingest_rate --size M --stages --against DIR --repeat 2   # this code and DIR's, alternated

`--stages` (bench/ingest_stages.py) runs one import per run in a child process, into a fresh instance, with each
stage, each part and each statement timed (wall, client CPU, server time); `--against DIR` alternates this
checkout's code with DIR's (e.g. `git archive REV | tar -x -C DIR`), run after run, in ABBA order; `--profile`
adds cProfile's top functions (about 2x slower). About 1 minute per run at M on an idle machine, 2-4 under load.

About 3 minutes at M on an idle machine (normal import about 40 s, re-import 15 s, initial load about 60 s); at
L the initial load takes about 10 minutes. Results in bench/out/ingest_rate.json.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.import_memory import OPS, OUT, ROOT, data_file, fresh_instance, measured_import, say


def _initial_load_module() -> Any:
    spec = importlib.util.spec_from_file_location("initial_load", ROOT / "ops" / "initial_load.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["initial_load"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def normal_import(file: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """A fresh import, then the same file again (every record unchanged)."""
    fresh_instance(args)
    results = []
    for run in ("fresh", "re-import"):
        result = measured_import(file, args)
        result.update(kind="normal", run=run, rate=round(result["records"] / result["seconds"]))
        say(f"normal import, {run}: {result['records']} records in {result['seconds']} s ({result['rate']:,}/s)")
        results.append(result)
    return results


def initial_load(file: Path, args: argparse.Namespace) -> dict[str, Any]:
    module = _initial_load_module()
    subprocess.run([*OPS, "wipe", "--instance", args.instance], check=True, stdout=subprocess.DEVNULL)
    inst = module.ops.Instance(args.instance, args.port, args.heap, args.pagecache, "600s")
    os.environ.setdefault("CREDIT_SWEEP_INTERVAL_S", "0")
    from graph.settings import Settings

    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{args.port}", query_timeout_s=600, write_timeout_s=600)
    started = time.perf_counter()
    # The server is started by the load (its start-up is not timed as a stage) and again after the tool.
    outcome = asyncio.run(module.load_initial(file, inst, settings=settings, admin_heap=args.admin_heap, say=say))
    wall = time.perf_counter() - started
    if not outcome.report.ok:
        raise SystemExit(f"initial load of {file} failed: {outcome.report.errors[:5]}")
    stages = outcome.seconds
    timed = sum(stages.values())
    result = {
        "kind": "initial",
        "file": file.name,
        "records": outcome.records,
        "nodes": outcome.nodes,
        "relationships": outcome.relationships,
        "seconds": round(timed, 1),
        "wall_s": round(wall, 1),
        "stages_s": stages,
        "rate": round(outcome.records / timed),
        "rate_by_stage": {k: round(outcome.records / v) for k, v in stages.items() if v > 0},
    }
    say(f"initial load: {outcome.records} records in {timed:.1f} s ({result['rate']:,}/s): {stages}")
    return result


def staged_import(file: Path, args: argparse.Namespace, code: Path) -> dict[str, Any]:
    """One import of `file` into a fresh instance by bench/ingest_stages.py with `code`'s graph/ package."""
    fresh_instance(args)
    env = {**os.environ, "PYTHONPATH": str(code), "CREDIT_SWEEP_INTERVAL_S": "0"}
    env.pop("NEO4J_URI", None)
    command = [sys.executable, str(ROOT / "bench" / "ingest_stages.py"), str(file), "--port", str(args.port)]
    if args.profile:
        command.append("--profile")
    load = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.run(command, env=env, cwd=code, capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"staged import with {code} failed: {child.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result.update(
        code=str(code),
        child_s=round(time.perf_counter() - started, 1),
        rate=round(result["records"] / result["wall_s"]),
        load_average={"start": round(load, 1), "end": round(os.getloadavg()[0], 1)},
    )
    return result


def show_stages(results: list[dict[str, Any]]) -> None:
    """The runs side by side: per stage and statement, wall (and server) seconds of each run."""
    heads = [f"{Path(r['code']).name}" for r in results]
    print("\n| stage | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(results))
    print("| total wall (client CPU) | " + " | ".join(f"{r['wall_s']} ({r['cpu_s']})" for r in results) + " |")
    print("| records/s | " + " | ".join(f"{r['rate']:,}" for r in results) + " |")
    print("| load average | " + " | ".join(f"{r['load_average']['start']}-{r['load_average']['end']}" for r in results))
    names: list[str] = []
    for r in results:
        for stage in r["stages"]:
            label = "&nbsp;&nbsp;" * stage["depth"] + stage["stage"]
            if label not in names:
                names.append(label)

    def cell(r: dict[str, Any], label: str) -> str:
        found = [s for s in r["stages"] if "&nbsp;&nbsp;" * s["depth"] + s["stage"] == label]
        if not found:
            return ""
        return f"{sum(s['wall_s'] for s in found):.2f} ({sum(s['cpu_s'] for s in found):.2f})"

    for label in names:
        print(f"| {label} | " + " | ".join(cell(r, label) for r in results) + " |")
    parts = sorted({p for r in results for p in r["parts"]})
    for part in parts:
        cells = (f"{r['parts'].get(part, {}).get('wall_s', '')}" for r in results)
        print(f"| (part) {part} | " + " | ".join(cells) + " |")
    print("\n| statement: calls, rows, wall s (server s) | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(results))
    first = results[0]["statements"]
    statements = sorted({s for r in results for s in r["statements"]}, key=lambda s: -first.get(s, {}).get("wall_s", 0))

    def st(r: dict[str, Any], name: str) -> str:
        x = r["statements"].get(name)
        return f"{x['calls']}, {x['rows']:,}, {x['wall_s']:.2f} ({x['server_s']:.2f})" if x else ""

    for name in statements:
        print(f"| {name} | " + " | ".join(st(r, name) for r in results) + " |")
    for r in results:
        if "profile_tottime" in r:
            print(f"\ncProfile of {r['code']} (tottime):")
            print("\n".join(r["profile_tottime"]))


def stages(file: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    codes = [ROOT, *(Path(c).resolve() for c in args.against)]
    results = []
    for run in range(args.repeat):
        for code in codes if run % 2 == 0 else list(reversed(codes)):
            result = staged_import(file, args, code)
            result["run"] = run + 1
            say(
                f"{code.name} run {run + 1}: {result['records']} records in {result['wall_s']} s ({result['rate']:,}/s,"
                f" {result['cpu_s']} s CPU, load {result['load_average']})"
            )
            results.append(result)
    results.sort(key=lambda r: (codes.index(Path(r["code"])), r["run"]))
    show_stages(results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--scale", type=int, default=1, help="copies of the data set (bench/import_memory.py)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, help="an NDJSON file to use instead of generating one")
    parser.add_argument("--only", choices=["normal", "initial"])
    parser.add_argument("--code", help="a checkout whose api/ and graph/ to run for the normal import")
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--port", type=int, default=7690)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--admin-heap", default="2g")
    parser.add_argument("--stages", action="store_true", help="the normal import's time per stage and statement")
    parser.add_argument("--against", action="append", default=[], help="with --stages: another checkout to alternate")
    parser.add_argument("--repeat", type=int, default=1, help="with --stages: runs per checkout")
    parser.add_argument("--profile", action="store_true", help="with --stages: cProfile's top functions")
    args = parser.parse_args(argv)
    args.dry_run = False
    file = args.file or data_file(args.size, args.scale, args.seed)
    if args.stages:
        results = stages(file, args)
        subprocess.run([*OPS, "stop", "--instance", args.instance], check=False, stdout=subprocess.DEVNULL)
        OUT.mkdir(parents=True, exist_ok=True)
        out = OUT / f"ingest_stages_{file.stem}.json"
        out.write_text(json.dumps(results, indent=2))
        say(f"wrote {out}")
        return 0
    load = os.getloadavg()
    results: list[dict[str, Any]] = []
    if args.only in (None, "normal"):
        results += normal_import(file, args)
    if args.only in (None, "initial"):
        results.append(initial_load(file, args))
    subprocess.run([*OPS, "stop", "--instance", args.instance], check=False, stdout=subprocess.DEVNULL)
    for r in results:
        r["load_average"] = {"start": round(load[0], 1), "end": round(os.getloadavg()[0], 1)}
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"ingest_rate_{file.stem}.json"
    out.write_text(json.dumps(results, indent=2))
    say(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
