"""Plots of bench/out/results.json (matplotlib, PNG): p95 against graph size (S, M, L), against depth (1..50),
against recall scope size, and the load test's throughput and p95 against concurrent clients, and its memory over
time. Written to bench/out/ and copied to bench/plots/ (committed: RESULTS.md shows them).

    python -m bench.plots [--results bench/out/results.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
KEPT = ROOT / "bench" / "plots"
SYSTEMS = {
    "neo4j": "graph layer (Neo4j)",
    "http": "HTTP GraphQL",
    "postgres": "PostgreSQL 15",
    "floor": "floor (scipy)",
}
STYLE = {"neo4j": "o-", "http": "s--", "postgres": "^-", "floor": "x:"}
SIZES = ("S", "M", "L")


def size_plot(runs: dict[str, Any], path: Path) -> bool:
    """p95 per query against the number of lots, and the stress shapes (the same answer at every size)."""
    present = [s for s in SIZES if s in runs]
    if not present:
        return False
    panels = [("traceBack", "traceBack (random roots, maxDepth 10)"), ("recallScope", "recallScope (1-3 sources)")]
    panels.append(("contagion", "contagion (10 sources, 3 hops)"))
    shaped = [s for s in present if (runs[s].get("sweeps") or {}).get("shapes")]
    if shaped:
        panels += [
            ("deep50", "deep chain, maxDepth 50 (same answer)"),
            ("spread", "super-spreader recall (same answer)"),
        ]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (key, title) in zip(axes[0], panels, strict=True):
        for system, label in SYSTEMS.items():
            xs, ys = [], []
            for s in present:
                run = runs[s]
                if key in ("deep50", "spread"):
                    shapes = (run.get("sweeps") or {}).get("shapes") or {}
                    points = shapes.get("depth" if key == "deep50" else "spreaders") or []
                    point = points[-1] if points else {}
                    value = point.get(f"{system}_p95_ms")
                else:
                    value = ((run["queries"].get(key) or {}).get(system) or {}).get("p95_ms")
                if value is not None:
                    xs.append(run["batches"])
                    ys.append(value)
            if xs:
                ax.plot(xs, ys, STYLE[system], label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("lots in the graph")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("p95 (ms)")
    axes[0][0].legend(fontsize=7)
    fig.suptitle("p95 against graph size (S, M, L)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def sweep_plot(runs: dict[str, Any], path: Path, which: str) -> bool:
    """`depth`: p95 against maxDepth on the deep chains (and the generated set's deepest roots); `scope`: p95
    against the lots in the answer (binned generated sources and the super-spreaders)."""
    size = next((s for s in ("M", "L", "S") if s in runs and runs[s].get("sweeps")), None)
    if size is None:
        return False
    sweeps = runs[size]["sweeps"]
    shapes = sweeps.get("shapes") or {}
    if which == "depth":
        series = [("deep chains (seed/shapes.py)", shapes.get("depth") or [], "depth")]
        series.append((f"generated set {size}, deepest roots", sweeps.get("depth_data") or [], "depth"))
        xlabel = "maxDepth"
    else:
        series = [(f"generated set {size}, single sources", sweeps.get("scope_data") or [], "answer_lots")]
        series.append(("super-spreaders (seed/shapes.py)", shapes.get("spreaders") or [], "answer_lots"))
        xlabel = "lots in the recall scope (answer size)"
    series = [s for s in series if s[1]]
    if not series:
        return False
    fig, axes = plt.subplots(1, len(series), figsize=(6 * len(series), 4.2), squeeze=False)
    for ax, (title, points, x_key) in zip(axes[0], series, strict=True):
        for system, label in SYSTEMS.items():
            pts = [(p[x_key], p[f"{system}_p95_ms"]) for p in points if p.get(f"{system}_p95_ms") and p.get(x_key)]
            if pts:
                ax.plot([x for x, _ in pts], [y for _, y in pts], STYLE[system], label=label)
        if which == "depth":
            lots = [(p["depth"], p["answer_lots"]) for p in points if p.get("answer_lots") is not None]
            twin = ax.twinx()
            twin.plot([x for x, _ in lots], [y for _, y in lots], color="grey", alpha=0.4, label="lots in the answer")
            twin.set_ylabel("lots in the answer (grey)", fontsize=8)
        else:
            ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{title} (size {size})", fontsize=9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("p95 (ms)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def load_plot(load: dict[str, Any], path: Path) -> bool:
    levels = load.get("levels") or []
    if not levels:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    clients = [lv["clients"] for lv in levels]
    left.plot(clients, [lv["throughput_per_s"] for lv in levels], "o-", label="requests/s")
    left.set_xscale("log", base=2)
    left.set_xlabel("concurrent clients")
    left.set_ylabel("throughput (requests/s)")
    left.set_title(f"throughput, {load.get('workers')} API workers", fontsize=9)
    left.grid(True, alpha=0.3)
    ops = sorted({op for lv in levels for op in lv["operations"]})
    for op in ops:
        right.plot(clients, [(lv["operations"].get(op) or {}).get("p95_ms") for lv in levels], "o-", label=op)
    right.set_xscale("log", base=2)
    right.set_yscale("log")
    right.set_xlabel("concurrent clients")
    right.set_ylabel("p95 (ms)")
    right.set_title("p95 per operation", fontsize=9)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def memory_plot(series: list[Any], path: Path, title: str) -> bool:
    if not series:
        return False
    fig, ax = plt.subplots(figsize=(7, 4))
    names = sorted({n for _, s in series for n in s})
    for name in names:
        pts = [(t / 60, s[name]) for t, s in series if name in s]
        ax.plot([x for x, _ in pts], [y for _, y in pts], label=name)
    ax.set_xlabel("minutes")
    ax.set_ylabel("PSS of the process tree (MB)")
    ax.set_title(title, fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=OUT / "results.json")
    args = parser.parse_args()
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    runs = results.get("runs") or {}
    made = []
    for name, draw in (
        ("size.png", lambda p: size_plot(runs, p)),
        ("depth.png", lambda p: sweep_plot(runs, p, "depth")),
        ("scope.png", lambda p: sweep_plot(runs, p, "scope")),
        ("load.png", lambda p: load_plot(results.get("load") or {}, p)),
    ):
        if draw(OUT / name):
            made.append(name)
    for name, kind in (("load-memory.png", "load"), ("soak-memory.png", "soak")):
        source = OUT / f"{kind}.json"
        if source.exists():
            series = json.loads(source.read_text()).get("memory_series") or []
            if memory_plot(series, OUT / name, f"memory of every process during the {kind} run"):
                made.append(name)
    KEPT.mkdir(exist_ok=True)
    for name in made:
        shutil.copy(OUT / name, KEPT / name)
    print(f"[plots] {', '.join(made) or 'nothing to plot'} in {OUT} and {KEPT}")


if __name__ == "__main__":
    main()
