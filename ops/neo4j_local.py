"""Run a local Neo4j Community server without Docker.

The server comes from Maven Central: `mvn dependency:build-classpath` on ops/neo4j/pom.xml resolves
org.neo4j:neo4j and its runtime dependencies into the local Maven repository and writes the classpath;
the JVM then runs `org.neo4j.server.CommunityEntryPoint` straight from those jars (one copy, cached).

    python ops/neo4j_local.py fetch             # resolve the jars (idempotent, offline once cached)
    python ops/neo4j_local.py start [--instance dev --port 7687] [--plugins tracegraph,apoc]
    python ops/neo4j_local.py stop  [--instance dev]
    python ops/neo4j_local.py status [--instance dev]
    python ops/neo4j_local.py wipe  [--instance bench]   # stop and delete its databases
    python ops/neo4j_local.py backup  --instance dev --to FILE     # neo4j-admin database dump (offline)
    python ops/neo4j_local.py restore --instance dev --from FILE   # neo4j-admin database load (offline)

Backup and restore run `neo4j-admin database dump` / `load` (org.neo4j.cli.AdminTool, from the same jars). Neo4j
Community cannot dump or load a database that is in use, so both stop a running instance first and start it again
afterwards: the graph is unavailable meanwhile (seconds for a small graph, about the time to copy the store for a
large one). Online backups need Enterprise's `neo4j-admin database backup`.

Plugins (opt-in, `--plugins` or NEO4J_PLUGINS, comma-separated): `tracegraph`, this project's procedures, and
`apoc`, APOC core; both built or resolved by Maven from ops/procedures/pom.xml (offline once cached) and copied into
the instance's plugins directory on start (an instance started without them has none).

Each instance has its own data under var/<instance>/ (ignored by git), so the test suite (instance
`test`) never touches the demo database (instance `dev`). Needs Java 17 or 21 (Neo4j 5.26 LTS);
JAVA_HOME is honoured, else `java` on PATH.

Stdlib only, plus the neo4j driver for the readiness probe, so it can run before the app is importable.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
POM = ROOT / "ops" / "neo4j" / "pom.xml"
CACHE = ROOT / ".neo4j"  # the resolved classpath (a list of paths into ~/.m2), not jars
CLASSPATH_FILE = CACHE / "classpath.txt"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"  # neo4j-admin
DATABASE = "neo4j"  # the service's database; `system` (users, database list) is the server's own
PING = (ROOT / "cypher" / "ops" / "ping.cypher").read_text().strip()
SUPPORTED_JAVA = (17, 21)
PLUGINS_POM = ROOT / "ops" / "procedures" / "pom.xml"
PLUGINS_BUILD = CACHE / "procedures"  # the pom's build directory
PLUGINS = ("tracegraph", "apoc")


class OpsError(Exception):
    """A failure the operator can act on; printed without a traceback."""


def say(message: str) -> None:
    print(f"[neo4j] {message}", flush=True)


# --- fetch -------------------------------------------------------------------------------------


def fetch() -> list[str]:
    """Resolve the server's jars and return the classpath entries (cached after the first run)."""
    if CLASSPATH_FILE.exists() and CLASSPATH_FILE.stat().st_mtime >= POM.stat().st_mtime:
        entries = CLASSPATH_FILE.read_text().strip().split(os.pathsep)
        if entries and all(Path(e).exists() for e in entries):
            return entries
    mvn = shutil.which("mvn")
    if mvn is None:
        raise OpsError("Maven (mvn) is not on PATH; install it (Debian: apt-get install maven)")
    CACHE.mkdir(exist_ok=True)
    say(f"resolving Neo4j from Maven Central with {POM.relative_to(ROOT)} (first run only)")
    result = subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(POM),
            "dependency:build-classpath",
            "-Dmdep.includeScope=runtime",
            f"-Dmdep.outputFile={CLASSPATH_FILE}",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise OpsError(f"mvn could not resolve Neo4j:\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    entries = CLASSPATH_FILE.read_text().strip().split(os.pathsep)
    say(f"resolved {len(entries)} jars")
    return entries


def plugin_jars() -> dict[str, list[Path]]:
    """The jars of each plugin, built and resolved by Maven when the pom or a source is newer than the build."""
    jar = PLUGINS_BUILD / "tracegraph-procedures-1.jar"
    apoc = PLUGINS_BUILD / "apoc"
    sources = [PLUGINS_POM, *(PLUGINS_POM.parent / "src").rglob("*.java")]
    if not jar.exists() or not any(apoc.glob("*.jar")) or jar.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        mvn = shutil.which("mvn")
        if mvn is None:
            raise OpsError("Maven (mvn) is not on PATH; install it (Debian: apt-get install maven)")
        say(f"building the plugins with {PLUGINS_POM.relative_to(ROOT)}")
        command = [mvn, "-B", "-q", "-f", str(PLUGINS_POM), "package", "dependency:copy-dependencies"]
        command += ["-DincludeScope=runtime", f"-DoutputDirectory={apoc}"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise OpsError(f"mvn could not build the plugins:\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    return {"tracegraph": [jar], "apoc": sorted(apoc.glob("*.jar"))}


def install_plugins(inst: Instance) -> None:
    """The instance's plugins directory holds exactly the jars of its plugins."""
    unknown = [p for p in inst.plugins if p not in PLUGINS]
    if unknown:
        raise OpsError(f"unknown plugin {unknown[0]!r}; known: {', '.join(PLUGINS)}")
    directory = inst.home / "plugins"
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.jar"):
        old.unlink()
    jars = plugin_jars() if inst.plugins else {}
    for name in inst.plugins:
        for jar in jars[name]:
            shutil.copy2(jar, directory / jar.name)
    if inst.plugins:
        say(f"plugins of instance '{inst.name}': {', '.join(inst.plugins)}")


# --- java --------------------------------------------------------------------------------------


def java_binary() -> str:
    home = os.environ.get("JAVA_HOME")
    candidate = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise OpsError("no Java found: install Java 17 or 21, or set JAVA_HOME")
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    major = int(match.group(1)) if match else 0
    if major not in SUPPORTED_JAVA:
        raise OpsError(f"{candidate} is Java {major or '?'}; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME to one)")
    return candidate


# --- instance layout ---------------------------------------------------------------------------


class Instance:
    def __init__(self, name: str, port: int, heap: str, pagecache: str, tx_timeout: str, plugins: tuple[str, ...] = ()):
        self.name = name
        self.plugins = plugins
        self.port = port
        self.heap = heap
        self.pagecache = pagecache
        self.tx_timeout = tx_timeout
        self.home = ROOT / "var" / name
        self.conf_dir = self.home / "conf"
        self.pid_file = self.home / "run" / "neo4j.pid"
        self.port_file = self.home / "run" / "bolt.port"  # so stop/status find a server started elsewhere
        self.console_log = self.home / "logs" / "console.log"

    def write_config(self) -> None:
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        h = self.home
        # Loopback only, Bolt only: this server is for development and tests on this machine.
        # Auth is off because nothing outside 127.0.0.1 can reach it; deployments use docker-compose.
        conf = f"""# written by ops/neo4j_local.py on every start; edit that script, not this file
server.default_listen_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:{self.port}
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=false
dbms.usage_report.enabled=false
server.directories.data={h / "data"}
server.directories.logs={h / "logs"}
server.directories.run={h / "run"}
server.directories.import={h / "import"}
server.directories.plugins={h / "plugins"}
server.memory.heap.initial_size={self.heap}
server.memory.heap.max_size={self.heap}
server.memory.pagecache.size={self.pagecache}
db.transaction.timeout={self.tx_timeout}
db.tx_log.rotation.retention_policy=2 files
"""
        (self.conf_dir / "neo4j.conf").write_text(conf)

    def running_pid(self) -> int | None:
        """The pid of this instance's server if it is alive; a stale pid file is removed."""
        if not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (ValueError, OSError):
            cmdline = ""
        if MAIN_CLASS in cmdline and str(self.home) in cmdline:
            return pid
        say(f"removing stale pid file {self.pid_file}")
        self.pid_file.unlink(missing_ok=True)
        return None


def process_gone(pid: int) -> bool:
    """Has process `pid` exited? A server this process started (the test suite starts its own) stays a zombie
    until it is reaped, with its /proc entry still there: reap it, and count a zombie as gone."""
    with contextlib.suppress(ChildProcessError):  # not our child: init reaps it
        os.waitpid(pid, os.WNOHANG)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def bolt_answers(port: int) -> bool:
    from neo4j import GraphDatabase  # imported late: `fetch` must work before the venv has it

    try:
        # A session, not execute_query: the probe must fail fast, not retry for a minute.
        with (
            GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None, connection_timeout=2) as driver,
            driver.session(database="neo4j") as session,
        ):
            return session.run(PING).single()["ok"] == 1
    except Exception:  # any failure means "not ready yet"
        return False


# --- commands ----------------------------------------------------------------------------------


def start(inst: Instance, wait_seconds: float) -> None:
    pid = inst.running_pid()
    if pid is not None:
        if bolt_answers(inst.port):
            say(f"instance '{inst.name}' already running (pid {pid}) on bolt://127.0.0.1:{inst.port}")
            return
        say(f"instance '{inst.name}' (pid {pid}) is starting; waiting for it")
        wait_ready(inst, pid, wait_seconds)
        return
    if port_in_use(inst.port):
        raise OpsError(
            f"port {inst.port} is already in use by another process; stop it, or choose another "
            f"port (NEO4J_BOLT_PORT / --port), or point NEO4J_URI at that server if it is a Neo4j"
        )
    classpath = fetch()
    java = java_binary()
    install_plugins(inst)
    inst.write_config()
    args = [
        java,
        f"-Xms{inst.heap}",
        f"-Xmx{inst.heap}",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8",
        # Neo4j's own launcher opens these so the page cache can use direct buffers.
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-cp",
        # The plugins on the classpath too, as Neo4j's own launcher puts them: APOC's kernel extension (its
        # injectable config) is found there, not in the plugins directory.
        os.pathsep.join([*classpath, str(inst.home / "plugins" / "*")] if inst.plugins else classpath),
        MAIN_CLASS,
        f"--home-dir={inst.home}",
        f"--config-dir={inst.conf_dir}",
    ]
    inst.console_log.parent.mkdir(parents=True, exist_ok=True)
    with open(inst.console_log, "ab") as log:
        proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, cwd=inst.home
        )
    inst.pid_file.write_text(str(proc.pid))
    inst.port_file.write_text(str(inst.port))
    say(f"starting instance '{inst.name}' (pid {proc.pid}) on bolt://127.0.0.1:{inst.port}")
    wait_ready(inst, proc.pid, wait_seconds)


def wait_ready(inst: Instance, pid: int, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if bolt_answers(inst.port):
            say(f"ready: RETURN 1 answered on bolt://127.0.0.1:{inst.port}")
            return
        if process_gone(pid):
            inst.pid_file.unlink(missing_ok=True)
            raise OpsError(f"Neo4j exited during start-up; last log lines:\n{tail(inst)}")
        time.sleep(0.5)
    raise OpsError(f"Neo4j did not answer within {wait_seconds:.0f}s; last log lines:\n{tail(inst)}")


def tail(inst: Instance, lines: int = 30) -> str:
    chunks = []
    for log in (inst.console_log, inst.home / "logs" / "neo4j.log"):
        if log.exists():
            chunks.append(f"--- {log}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:]))
    return "\n".join(chunks) or "(no log written)"


def stop(inst: Instance, wait_seconds: float = 60) -> None:
    pid = inst.running_pid()
    if pid is None:
        say(f"instance '{inst.name}' is not running")
        return
    os.kill(pid, signal.SIGTERM)  # Neo4j checkpoints and shuts down cleanly on TERM
    deadline = time.monotonic() + wait_seconds
    while not process_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.3)
    if not process_gone(pid):
        say(f"pid {pid} did not stop within {wait_seconds:.0f}s; killing it")
        os.kill(pid, signal.SIGKILL)
    inst.pid_file.unlink(missing_ok=True)
    say(f"stopped instance '{inst.name}'")


def wipe(inst: Instance) -> None:
    """Stop the instance and delete its databases (benchmarks start from an empty store)."""
    stop(inst)
    shutil.rmtree(inst.home / "data", ignore_errors=True)
    say(f"wiped the data of instance '{inst.name}'")


def admin(
    inst: Instance,
    *args: str,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    heap: str = "512m",
) -> None:
    """Run neo4j-admin on this instance's configuration (its data directory); its output is shown on failure.
    `heap`: the tool's (the bulk import, ops/initial_load.py, wants more than a dump)."""
    inst.write_config()  # also for an instance that never ran: neo4j-admin finds the data directory in it
    env = {**os.environ, "NEO4J_HOME": str(inst.home), "NEO4J_CONF": str(inst.conf_dir)}
    command = [java_binary(), f"-Xmx{heap}", "-cp", os.pathsep.join(fetch()), ADMIN_CLASS, *args]
    result = subprocess.run(command, env=env, stdin=stdin, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        output = ((result.stdout or b"") if stdout is None else b"") + result.stderr
        raise OpsError(f"neo4j-admin {' '.join(args)} failed:\n{output.decode(errors='replace')[-4000:]}")


def offline(inst: Instance, wait_seconds: float, work: Callable[[], None]) -> None:
    """Run `work` with the instance stopped (Community dumps and loads only a database not in use), then start it
    again if it was running."""
    was_running = inst.running_pid() is not None
    if was_running:
        say(f"stopping instance '{inst.name}': Neo4j Community needs the database offline for this")
        stop(inst)
    try:
        work()
    finally:
        if was_running:
            start(inst, wait_seconds)


def backup(inst: Instance, to: Path, wait_seconds: float) -> None:
    """Dump the instance's database into one file (written beside it, then moved: never a half-written FILE)."""
    to = to.resolve()
    to.parent.mkdir(parents=True, exist_ok=True)
    partial = to.with_name(to.name + ".partial")

    def dump() -> None:
        with partial.open("wb") as out:
            admin(inst, "database", "dump", DATABASE, "--to-stdout", stdout=out)
        partial.replace(to)

    try:
        offline(inst, wait_seconds, dump)
    finally:
        partial.unlink(missing_ok=True)
    say(f"backed up database '{DATABASE}' of instance '{inst.name}' to {to} ({to.stat().st_size} bytes)")


def restore(inst: Instance, source: Path, wait_seconds: float) -> None:
    """Replace the instance's database with a dump (`backup`'s file). The running service finds the store changed;
    it re-creates any missing constraint before its next write (graph/db.py verify_schema)."""
    if not source.is_file():
        raise OpsError(f"no backup file at {source}")

    def load() -> None:
        with source.open("rb") as dump:
            admin(inst, "database", "load", DATABASE, "--from-stdin", "--overwrite-destination=true", stdin=dump)

    offline(inst, wait_seconds, load)
    say(f"restored database '{DATABASE}' of instance '{inst.name}' from {source}")


def status(inst: Instance) -> int:
    pid = inst.running_pid()
    if pid is None:
        say(f"instance '{inst.name}' is not running")
        return 1
    ready = "ready" if bolt_answers(inst.port) else "not answering yet"
    say(f"instance '{inst.name}' running (pid {pid}) on bolt://127.0.0.1:{inst.port}: {ready}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "start", "stop", "status", "wipe", "backup", "restore"])
    parser.add_argument("--instance", default=os.environ.get("NEO4J_INSTANCE", "dev"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("NEO4J_BOLT_PORT", "7687")))
    parser.add_argument("--heap", default=os.environ.get("NEO4J_HEAP", "1g"))
    parser.add_argument("--pagecache", default=os.environ.get("NEO4J_PAGECACHE", "1g"))
    parser.add_argument(
        "--tx-timeout", default=os.environ.get("NEO4J_TX_TIMEOUT", "60s"), help="server-side cap on any transaction"
    )
    parser.add_argument(
        "--plugins", default=os.environ.get("NEO4J_PLUGINS", ""), help=f"start: comma-separated of {', '.join(PLUGINS)}"
    )
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for readiness")
    parser.add_argument("--to", type=Path, help="backup: the dump file to write")
    parser.add_argument("--from", dest="source", type=Path, help="restore: the dump file to load")
    args = parser.parse_args(argv)
    plugins = tuple(p.strip() for p in args.plugins.split(",") if p.strip())
    inst = Instance(args.instance, args.port, args.heap, args.pagecache, args.tx_timeout, plugins)
    if args.command in ("stop", "status", "wipe", "backup", "restore") and inst.port_file.exists():
        inst.port = int(inst.port_file.read_text().strip())
    try:
        if args.command == "fetch":
            fetch()
            java_binary()
            return 0
        if args.command == "start":
            start(inst, args.wait)
            return 0
        if args.command == "stop":
            stop(inst)
            return 0
        if args.command == "wipe":
            wipe(inst)
            return 0
        if args.command == "backup":
            if args.to is None:
                raise OpsError("backup needs --to FILE")
            backup(inst, args.to, args.wait)
            return 0
        if args.command == "restore":
            if args.source is None:
                raise OpsError("restore needs --from FILE")
            restore(inst, args.source, args.wait)
            return 0
        return status(inst)
    except OpsError as err:
        print(f"[neo4j] error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
