"""`tracegraph serve`: uvicorn gets every configured limit, its logs are rate-limited, and a flood of idle
connections neither exhausts the file descriptors nor stops the server answering."""

import io
import logging
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from api import server
from api.cli import cli
from api.http_protocol import GuardedH11Protocol
from api.log_repeats import RepeatFilter
from graph.settings import Settings, get_settings
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """server_config configures logging for the process; put the test process's back afterwards."""
    structlog_config = structlog.get_config()
    saved = {name: (lg.handlers[:], lg.level, lg.propagate) for name, lg in _loggers()}
    yield
    structlog.configure(**structlog_config)
    for name, lg in _loggers():
        lg.handlers[:], lg.level, lg.propagate = saved.get(name, ([], logging.NOTSET, True))


def _loggers() -> list[tuple[str, logging.Logger]]:
    named = [(n, lg) for n, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)]
    return [("", logging.getLogger()), *named]


def test_the_config_carries_every_limit(restored_logging):
    settings = Settings(
        api_limit_concurrency=7,
        api_max_connections=9,
        api_backlog=33,
        api_keep_alive_s=3,
        api_header_timeout_s=2.5,
        api_max_header_bytes=4096,
        api_graceful_shutdown_s=4,
    )
    config = server.server_config(settings, "127.0.0.1", 8123)
    assert (config.host, config.port, config.factory, config.access_log) == ("127.0.0.1", 8123, True, False)
    assert config.limit_concurrency == 7
    assert config.backlog == 33
    assert config.timeout_keep_alive == 3
    assert config.timeout_graceful_shutdown == 4
    assert config.h11_max_incomplete_event_size == 4096
    assert isinstance(config.http, partial) and config.http.func is GuardedH11Protocol
    assert config.http.keywords == {"header_timeout_s": 2.5, "max_connections": 9, "max_header_bytes": 4096}


def test_the_serve_command_builds_its_config_from_the_environment(monkeypatch, restored_logging):
    monkeypatch.setenv("API_LIMIT_CONCURRENCY", "11")
    monkeypatch.setenv("API_KEEP_ALIVE_S", "2")
    monkeypatch.setenv("API_MAX_HEADER_BYTES", "8192")
    monkeypatch.setenv("API_HEADER_TIMEOUT_S", "4")
    built = []
    monkeypatch.setattr(server, "run", lambda config, settings: built.append(config))  # build, do not serve
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--port", "8124"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    [config] = built
    assert (config.port, config.limit_concurrency, config.timeout_keep_alive) == (8124, 11, 2)
    assert config.h11_max_incomplete_event_size == 8192
    assert config.http.keywords["header_timeout_s"] == 4


def test_uvicorns_error_log_is_rate_limited(restored_logging):
    server.server_config(Settings(log_repeat_burst=3, log_repeat_interval_s=3600), "127.0.0.1", 8125)
    logger = logging.getLogger("uvicorn.error")
    handlers = _handlers_reached(logger)
    assert handlers and all(any(isinstance(f, RepeatFilter) for f in h.filters) for h in handlers)
    out = io.StringIO()
    for h in handlers:
        h.setStream(out)  # type: ignore[attr-defined]
    for i in range(50):
        logger.warning("Invalid HTTP request received from %s.", f"10.0.0.{i}")
    logger.error("something else")
    lines = out.getvalue().splitlines()
    assert len([line for line in lines if "Invalid HTTP request" in line]) == 3
    assert any("something else" in line for line in lines)


def _handlers_reached(logger: logging.Logger) -> list[logging.Handler]:
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        found += current.handlers
        current = current.parent if current.propagate else None  # type: ignore[assignment]
    return found


def _health(port: int) -> int | None:
    """/healthz's status, or None when the server does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


FD_LIMIT = 512


def _low_fd_limit() -> None:  # in the server's process, before exec: few descriptors, and no way to raise them
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


def test_a_flood_of_idle_connections_does_not_take_the_server_down(settings, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "CREDIT_SWEEP_INTERVAL_S": "0",
        "LOG_JSON": "true",
        "LOG_REPEAT_BURST": "5",
        "API_MAX_CONNECTIONS": "40",
        "API_LIMIT_CONCURRENCY": "30",
        "API_BACKLOG": "64",
        "API_HEADER_TIMEOUT_S": "1",
    }
    assert server.fds_needed(Settings(api_max_connections=40, api_backlog=64)) <= FD_LIMIT
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_low_fd_limit,
        )
    idle: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 90
        while _health(port) != 200:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        # More idle connections than the process has descriptors: each connects, none sends a byte.
        for _ in range(FD_LIMIT + 200):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=30))
        answers = []
        deadline = time.monotonic() + 20
        while 200 not in answers and time.monotonic() < deadline:
            answers.append(_health(port))
            time.sleep(0.2)
        assert proc.poll() is None, log_path.read_text()
        assert 200 in answers, f"/healthz never answered 200: {answers}"
        assert set(answers) <= {200, 503, None}
    finally:
        for s in idle:
            s.close()
        proc.terminate()
        proc.wait(timeout=30)
    text = log_path.read_text()
    assert "out of system resource" not in text  # accept() never hit the descriptor limit
    assert 1 <= text.count("Connection limit reached") <= 5  # rate-limited: hundreds of connections were refused


def test_the_config_takes_its_worker_processes_from_the_settings(restored_logging):
    config = server.server_config(Settings(api_workers=3, api_worker_healthcheck_s=45), "127.0.0.1", 8126)
    assert (config.workers, config.timeout_worker_healthcheck) == (3, 45)
    assert Settings().api_worker_healthcheck_s >= 30  # uvicorn's 5 s kills workers still importing on a busy host
    assert server.server_config(Settings(api_workers=3), "127.0.0.1", 8126, reload=True).workers == 1


def _spawned_workers(pid: int) -> int:
    """Children of `pid` that are multiprocessing-spawned workers (not its resource tracker)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        count += ppid == pid and "spawn_main" in cmdline
    return count


def test_serve_runs_the_configured_worker_processes_on_one_port(settings, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "CREDIT_SWEEP_INTERVAL_S": "0",
        "API_WORKERS": "2",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while _health(port) != 200 or _spawned_workers(proc.pid) < 2:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, f"two workers did not start: {log_path.read_text()}"
            time.sleep(0.3)
        assert _spawned_workers(proc.pid) == 2
        assert all(_health(port) == 200 for _ in range(10))  # the socket is shared: every answer is a worker's
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert proc.returncode == 0, log_path.read_text()
