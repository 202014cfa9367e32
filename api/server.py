"""The HTTP server `tracegraph serve` runs: uvicorn with every limit of graph/settings.py (API_* variables), its
logs rate-limited, and a file-descriptor limit that fits the connection cap."""

from __future__ import annotations

import resource
import sys
from functools import partial

import structlog
import uvicorn
from uvicorn.supervisors import ChangeReload, Multiprocess

from api.http_protocol import GuardedH11Protocol
from api.logs import configure_logging
from graph.settings import Settings

log = structlog.get_logger("api.server")

# Descriptors the process needs besides client connections: the Neo4j driver's pool (100 by default), the
# listening socket, logs, the event loop's own.
FD_RESERVE = 200


def server_config(settings: Settings, host: str, port: int, reload: bool = False) -> uvicorn.Config:
    config = uvicorn.Config(
        "api.main:app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        # Worker processes on one socket (uvicorn's supervisor restarts one that dies); every limit below holds
        # per worker. Ignored with reload.
        workers=None if reload else settings.api_workers,
        # The supervisor kills a worker that does not answer its health ping within this; the 5 s default is
        # shorter than the app's import on a loaded machine, so workers were killed and restarted forever.
        timeout_worker_healthcheck=settings.api_worker_healthcheck_s,
        access_log=False,  # the app logs every request itself (api/main.py)
        http=partial(  # type: ignore[arg-type]  # a protocol factory: uvicorn only calls it
            GuardedH11Protocol,
            header_timeout_s=settings.api_header_timeout_s,
            max_connections=settings.api_max_connections,
            max_header_bytes=settings.api_max_header_bytes,
        ),
        limit_concurrency=settings.api_limit_concurrency,
        backlog=settings.api_backlog,
        timeout_keep_alive=settings.api_keep_alive_s,
        timeout_graceful_shutdown=settings.api_graceful_shutdown_s,
        h11_max_incomplete_event_size=settings.api_max_header_bytes,
    )
    # uvicorn.Config has just set up uvicorn's loggers: rate-limit them (and the accept loop's) before it serves.
    configure_logging(settings.log_level, settings.log_json, settings.log_repeat_burst, settings.log_repeat_interval_s)
    return config


def fds_needed(settings: Settings) -> int:
    """Open files the server may hold: the connections it keeps, plus one accept round (asyncio accepts up to
    `backlog` connections before any of them is seen, and so before those over the cap are closed), plus the rest."""
    return settings.api_max_connections + settings.api_backlog + FD_RESERVE


def ensure_fd_limit(needed: int) -> None:
    """Raise the soft limit on open files to `needed` when the hard limit allows; say so when it does not (accept()
    may then fail, for a second at a time, under a flood of connections)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < needed:
            log.warning(
                "server.fd_limit_low",
                open_files_limit=target,
                needed=needed,
                hint="lower API_MAX_CONNECTIONS or API_BACKLOG, or raise the hard limit (ulimit -Hn)",
            )


def run(config: uvicorn.Config, settings: Settings) -> None:
    """What uvicorn.run does with a Config of ours."""
    ensure_fd_limit(fds_needed(settings))
    server = uvicorn.Server(config)
    if config.should_reload:
        ChangeReload(config, target=server.run, sockets=[config.bind_socket()]).run()
        return
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()  # each worker its own uvicorn.Server
        return
    server.run()
    if not server.started:
        sys.exit(3)  # uvicorn's STARTUP_FAILURE
