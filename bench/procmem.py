"""Memory of the processes a benchmark runs (Neo4j's JVM, PostgreSQL, the API workers, the bench client), read from
/proc: a process tree's proportional set size (PSS: shared pages split between the processes that map them, so a
tree's PSS adds up without counting PostgreSQL's shared buffers once per backend), and a sampler that records it
over time for the soak's slope."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _kb(path: Path, field: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Every live descendant of `pid` (PostgreSQL's backends, uvicorn's workers)."""
    by_parent: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        by_parent.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_mb(pid: int | None, with_children: bool = True) -> dict[str, float] | None:
    """RSS of the process itself, PSS of it and all its descendants (MB), and how many processes that is."""
    if pid is None or not Path(f"/proc/{pid}").exists():
        return None
    pids = [pid, *children(pid)] if with_children else [pid]
    pss = sum(_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss") or 0 for p in pids)
    rss = _kb(Path(f"/proc/{pid}/status"), "VmRSS") or 0
    return {"rss_mb": round(rss / 1024, 1), "tree_pss_mb": round(pss / 1024, 1), "processes": len(pids)}


def peak_rss_mb(pid: int | None = None) -> float:
    """The high-water mark of a process's RSS (VmHWM), this one's by default."""
    return round((_kb(Path(f"/proc/{pid or os.getpid()}/status"), "VmHWM") or 0) / 1024, 1)


def neo4j_pid(instance: str) -> int | None:
    """The JVM of a local instance (ops/neo4j_local.py keeps its pid under var/<instance>/run/)."""
    try:
        return int((ROOT / "var" / instance / "run" / "neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def postmaster_pid(dsn: str) -> int | None:
    """PostgreSQL's postmaster: the parent of a backend of ours."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
    backend = row[0] if row else None
    try:
        return int(Path(f"/proc/{backend}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def snapshot(pids: dict[str, int | None]) -> dict[str, dict[str, float] | None]:
    """Each named process tree; a benchmark client alone (the API server it started is its child, counted apart)."""
    return {name: tree_mb(pid, with_children=not name.endswith("client")) for name, pid in pids.items()}


class Sampler:
    """Samples the PSS of named process trees every `interval_s` in a thread; `series` holds (seconds since start,
    {name: MB}) and `slope_mb_per_min()` fits a line through each name's samples."""

    def __init__(self, pids: Callable[[], dict[str, int | None]], interval_s: float = 5.0):
        self.pids, self.interval_s = pids, interval_s
        self.series: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> Sampler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval_s + 5)

    def _run(self) -> None:
        while True:
            sample = {name: m["tree_pss_mb"] for name, m in snapshot(self.pids()).items() if m is not None}
            self.series.append((round(time.monotonic() - self._started, 1), sample))
            if self._stop.wait(self.interval_s):
                return

    def summary(self, warm_up_fraction: float = 0.2) -> dict[str, dict[str, float]]:
        """Per process tree: first, last, peak MB, the slope (MB per minute) after the warm-up fraction of the
        run (a JVM's heap and Python's allocator grow at first, which is not a leak) and over its last half."""
        out: dict[str, dict[str, float]] = {}
        names = sorted({n for _, s in self.series for n in s})
        for name in names:
            points = [(t, s[name]) for t, s in self.series if name in s]
            if not points:
                continue
            steady = points[int(len(points) * warm_up_fraction) :] or points
            out[name] = {
                "first_mb": points[0][1],
                "last_mb": points[-1][1],
                "peak_mb": max(v for _, v in points),
                "slope_mb_per_min": round(slope(steady) * 60, 2),
                "last_half_slope_mb_per_min": round(slope(points[len(points) // 2 :]) * 60, 2),
                "samples": len(points),
            }
        return out


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x (per unit of x); 0 for fewer than two points."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0
