"""Peak memory and time of `tracegraph import` as a data supplier runs it, for files of growing size: the import
streams its file, so its peak RSS must not grow with the file (issue 11, item 17). Not a unit test: it loads
hundreds of thousands of records into a fresh Neo4j instance of its own.

    python -m bench.import_memory --size M --scale 1 4            # peak RSS of an import of M, and of 4 x M
    python -m bench.import_memory --size M --scale 1 8 --dry-run  # the validation alone (writes nothing)
    python -m bench.import_memory --size S --repeat 5             # import speed at S: five fresh imports
    python -m bench.import_memory --size S --repeat 5 --code DIR  # the same with the code of another checkout

A file of scale k is k copies of the generated data set, copy i with every id and reference prefixed `c<i>.`:
k times the records, distinct, with the same structure. Each import runs in a child process against an empty
database (instance `bench`, wiped and started on --port); its peak RSS is the child's ru_maxrss (os.wait4), and
its CPU time (user + system) says how much work the importer itself did, whatever the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from seed.generate import generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
OPS = [sys.executable, str(ROOT / "ops" / "neo4j_local.py")]


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# Every field of a record that holds an id (its own or a reference), per record type (contract/RECORDS.md).
_ID_FIELDS = {
    "enterprise": ("id",),
    "person": ("id",),
    "link": ("from", "to"),
    "product": ("id",),
    "batch": ("id", "product", "producer"),
    "shipment": ("id", "batch", "from", "to"),
    "lab": ("id",),
    "agency": ("id",),
    "test_report": ("id", "lab", "batch"),
    "blacklist": ("id", "enterprise", "agency"),
    "risk_signal": ("id",),
}


def prefixed(record: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The record with every id and reference it holds prefixed: a copy that shares nothing with the original."""
    out = dict(record)
    for name in _ID_FIELDS[record["type"]]:
        if name in out:
            out[name] = prefix + out[name]
    if "inputs" in out:
        out["inputs"] = [{**i, "batch": prefix + i["batch"]} for i in out["inputs"]]
    if "subject" in out:
        out["subject"] = {k: prefix + v for k, v in out["subject"].items()}
    return out


def scaled(size: str, scale: int, seed: int) -> Iterator[dict[str, Any]]:
    for copy in range(scale):
        for record in generate(size, seed):
            yield record if copy == 0 else prefixed(record, f"c{copy}.")


def data_file(size: str, scale: int, seed: int) -> Path:
    path = OUT / f"import-{size}x{scale}-{seed}.ndjson"
    if not path.exists():
        say(f"writing {path.name}")
        OUT.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as f:
            for record in scaled(size, scale, seed):
                f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        partial.rename(path)
    return path


def fresh_instance(args: argparse.Namespace) -> None:
    subprocess.run([*OPS, "wipe", "--instance", args.instance], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            *OPS,
            "start",
            "--instance",
            args.instance,
            "--port",
            str(args.port),
            "--heap",
            args.heap,
            "--pagecache",
            args.pagecache,
            "--tx-timeout",
            "600s",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measured_import(file: Path, args: argparse.Namespace) -> dict[str, Any]:
    """`tracegraph import FILE --json` in a child process: its report, wall time and peak RSS."""
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{args.port}", "CREDIT_SWEEP_INTERVAL_S": "0"}
    command = [sys.executable, "-c", "from api.cli import main; main()", "import", str(file), "--json"]
    if args.dry_run:
        command.append("--dry-run")
    if args.code:  # another checkout's code, with this environment's packages
        env["PYTHONPATH"] = str(Path(args.code).resolve())
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=args.code or ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    report = json.loads(output.strip().splitlines()[-1]) if output.strip() else {}
    if os.waitstatus_to_exitcode(status) != 0 or not report.get("ok"):
        raise SystemExit(f"import of {file} failed (status {status}): {output[-2000:]}")
    return {
        "seconds": round(seconds, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),  # the importer's own work, less exposed to the load
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "records": report["created"] + report["updated"] + report["unchanged"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="copies of the data set per file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="imports per file, each into an empty database")
    parser.add_argument("--dry-run", action="store_true", help="validate only (tracegraph import --dry-run)")
    parser.add_argument("--code", help="a checkout whose api/ and graph/ to run instead of this one's")
    parser.add_argument("--instance", default="bench")
    parser.add_argument("--port", type=int, default=7690)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    args = parser.parse_args(argv)

    results = []
    for scale in args.scale:
        file = data_file(args.size, scale, args.seed)
        for run in range(args.repeat):
            fresh_instance(args)
            result = {
                "file": file.name,
                "bytes": file.stat().st_size,
                "run": run + 1,
                **measured_import(file, args),
            }
            rate = result["records"] / result["seconds"]
            say(
                f"{file.name} ({result['bytes'] / 1e6:.0f} MB){' dry run' if args.dry_run else ''}: "
                f"{result['records']} records in {result['seconds']} s ({rate:,.0f}/s, {result['cpu_s']} s CPU), "
                f"peak RSS {result['peak_rss_mb']} MB"
            )
            results.append(result)
    subprocess.run([*OPS, "stop", "--instance", args.instance], check=False, stdout=subprocess.DEVNULL)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "import_memory.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
