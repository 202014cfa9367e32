"""The API as a benchmark calls it: `tracegraph serve` in a child process (the real server: its limits, timeouts and
worker processes, API_* settings) with the local token issuer on, and an admin token of that issuer."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.local_issuer import LocalIssuer

ROOT = Path(__file__).resolve().parent.parent
AUDIENCE = "tracegraph-api"


@dataclass
class Served:
    url: str
    token: str
    pid: int  # uvicorn's main process (with workers > 1, the supervisor; the workers are its children)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def serve(neo4j_uri: str, port: int, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start the server against `neo4j_uri`, wait until /readyz answers 200, and stop it (SIGTERM) afterwards."""
    url = f"http://127.0.0.1:{port}"
    issuer_url = f"{url}/auth/local"
    key_file = ROOT / "var" / "bench-auth" / "local-issuer-keys.json"
    child_env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "NEO4J_PASSWORD": "",
        "CREDIT_SWEEP_INTERVAL_S": "0",  # a sweep in the middle of a timing is not what is measured
        "LOG_LEVEL": "WARNING",
        "AUTH_LOCAL_ISSUER": "1",
        "AUTH_LOCAL_ISSUER_URL": issuer_url,
        "AUTH_LOCAL_KEY_FILE": str(key_file),
        "API_WORKERS": str(workers),
        **(env or {}),
    }
    token = LocalIssuer(issuer_url, key_file, AUDIENCE).token("bench", ["admin"], ttl_s=24 * 3600)
    command = [str(Path(sys.executable).parent / "tracegraph"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (ROOT / "bench" / "out" / f"server-{port}.log").open("w")
    process = subprocess.Popen(command, env=child_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the API server exited ({process.returncode}); see {log.name}")
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the API server did not become ready within 180 s; see {log.name}")
            time.sleep(0.3)
        yield Served(url, token, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
