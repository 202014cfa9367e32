"""Which process owns a piece of unfinished work, and whether it is still there: the import jobs' manifests
(graph/import_jobs.py) and the EPCIS capture jobs (graph/epcis/capture.py) name their owner so, and a process that
finds an owner gone takes the work over (import jobs) or reports it interrupted (captures)."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def started(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, Linux), or None when there is no such process: with the
    pid it names a process uniquely, where a pid alone is reused (in a container, every start is pid 1)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def owner() -> str:
    """This process on this host: `<pid>-<start time>`."""
    return f"{os.getpid()}-{started(os.getpid()) or 0}"


def alive(name: str) -> bool:
    """Whether the process `name` (an `owner()` of this host) still runs."""
    pid, _, start = name.partition("-")
    if not Path("/proc/self/stat").exists():  # no /proc: the pid alone
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    return started(int(pid)) == start


def host_owner() -> str:
    """This process among the hosts that share a database: `<host>/<pid>-<start time>`."""
    return f"{socket.gethostname()}/{owner()}"


def gone(name: str) -> bool | None:
    """Whether the process `name` (a `host_owner()`) has ended: True or False when it ran on this host, None when it
    ran on another (whose processes this one cannot see)."""
    host, _, local = name.rpartition("/")
    if host != socket.gethostname() or not local:
        return None
    return not alive(local)
