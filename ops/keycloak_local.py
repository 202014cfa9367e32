"""Run a local Keycloak (the development identity provider) without Docker.

The server is the Keycloak distribution zip from Maven Central (org.keycloak:keycloak-quarkus-dist), fetched with
`mvn dependency:copy` and unpacked under var/keycloak/ (ignored by git). It runs in dev mode on 127.0.0.1 with its
H2 file database under var/, and imports the realm ops/keycloak/realm-tracegraph.json (roles, one demo user per
role, the explorer's PKCE client, the credit platform's service account).

    python ops/keycloak_local.py fetch            # download and unpack (idempotent, ~180 MB once)
    python ops/keycloak_local.py start [--port 8180]
    python ops/keycloak_local.py stop
    python ops/keycloak_local.py status
    python ops/keycloak_local.py info             # how to log in: users, endpoints, a curl for the service account
    python ops/keycloak_local.py token USER       # an access token for a demo user, by authorization code + PKCE
    python ops/keycloak_local.py token --service-account   # the credit platform's token (client credentials)
    python ops/keycloak_local.py wipe             # stop and delete the database (the realm is imported anew)

Keycloak 26 needs Java 21 or later: KEYCLOAK_JAVA_HOME, else JAVA_HOME, else the newest JDK under /usr/lib/jvm
that is recent enough. The realm is imported once into the database; when the realm file changes, `start` (restarting
a running server) deletes the development database so the new file is imported (it holds nothing else worth keeping).

Stdlib only, so it runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html.parser
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALM_FILE = ROOT / "ops" / "keycloak" / "realm-tracegraph.json"
REALM = "tracegraph"
HOME = ROOT / "var" / "keycloak"
# Tried in order: the newest that Maven Central serves first. KEYCLOAK_VERSION pins one (docker-compose.yml's
# image tag should name the same).
VERSIONS = ("26.7.3", "26.7.0", "26.5.6", "26.4.7")
MIN_JAVA = 21
# Development only: every demo user of the realm file has this password, the credit platform's client this secret,
# and the master realm's console this administrator. Nothing outside 127.0.0.1 can reach the server.
DEMO_PASSWORD = "tracegraph-dev"
SERVICE_CLIENT = "tracegraph-credit-platform"
SERVICE_SECRET = "dev-credit-platform-secret"
EXPLORER_CLIENT = "tracegraph-explorer"
API_AUDIENCE = "tracegraph-api"
CONSOLE_ADMIN = ("keycloak", "keycloak-dev")
# Where the explorer lives (the API's port); the code flow's redirect goes there, and `token` stops before it.
EXPLORER_REDIRECT = "http://127.0.0.1:8000/"


class OpsError(Exception):
    """A failure the operator can act on; printed without a traceback."""


def say(message: str) -> None:
    print(f"[keycloak] {message}", flush=True)


# --- fetch -------------------------------------------------------------------------------------


def dist_home(version: str) -> Path:
    return HOME / "dist" / f"keycloak-{version}"


def installed_version() -> str | None:
    """The version already unpacked (KEYCLOAK_VERSION's if set), so start needs no network once fetched."""
    wanted = os.environ.get("KEYCLOAK_VERSION")
    for version in (wanted,) if wanted else VERSIONS:
        if (dist_home(version) / "lib" / "quarkus-run.jar").exists():
            return version
    return None


def fetch() -> str:
    """Download and unpack the distribution (once); return its version."""
    version = installed_version()
    if version is not None:
        return version
    mvn = shutil.which("mvn")
    if mvn is None:
        raise OpsError("Maven (mvn) is not on PATH; install it (Debian: apt-get install maven)")
    download = HOME / "download"
    download.mkdir(parents=True, exist_ok=True)
    wanted = os.environ.get("KEYCLOAK_VERSION")
    failures = []
    for version in (wanted,) if wanted else VERSIONS:
        say(f"fetching org.keycloak:keycloak-quarkus-dist:{version} (zip, ~180 MB) from Maven Central (first run only)")
        started = time.monotonic()
        result = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                "dependency:copy",
                f"-Dartifact=org.keycloak:keycloak-quarkus-dist:{version}:zip",
                f"-DoutputDirectory={download}",
            ],
            capture_output=True,
            text=True,
        )
        archive = download / f"keycloak-quarkus-dist-{version}.zip"
        if result.returncode == 0 and archive.exists():
            size = archive.stat().st_size / 1e6
            say(f"downloaded {size:.0f} MB in {time.monotonic() - started:.0f}s; unpacking")
            unpack(archive, dist_home(version).parent)
            archive.unlink()  # Maven's local repository keeps a copy
            return version
        failures.append(f"{version}: {(result.stdout + result.stderr).strip()[-600:]}")
    raise OpsError("mvn could not fetch Keycloak:\n" + "\n".join(failures))


def unpack(archive: Path, into: Path) -> None:
    """Unzip keeping the scripts' exec bits (zipfile drops them)."""
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = into / info.filename
            if not target.resolve().is_relative_to(into.resolve()):
                raise OpsError(f"{archive} holds a path outside its folder: {info.filename}")
            zf.extract(info, into)
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                target.chmod(mode & 0o777)


# --- java --------------------------------------------------------------------------------------


def java_major(java: Path) -> int:
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else 0


def java_home() -> Path:
    """A Java home of version 21 or later: the configured one if any, else the newest under /usr/lib/jvm."""
    for var in ("KEYCLOAK_JAVA_HOME", "JAVA_HOME"):
        home = os.environ.get(var)
        if home and (Path(home) / "bin" / "java").exists():
            if java_major(Path(home) / "bin" / "java") >= MIN_JAVA:
                return Path(home)
            if var == "KEYCLOAK_JAVA_HOME":
                raise OpsError(f"KEYCLOAK_JAVA_HOME={home} is older than Java {MIN_JAVA}, which Keycloak 26 needs")
    found = []
    for home in Path("/usr/lib/jvm").glob("*"):
        java = home / "bin" / "java"
        if java.exists() and not home.is_symlink():
            found.append((java_major(java), home))
    found.sort()
    if found and found[-1][0] >= MIN_JAVA:
        return found[-1][1]
    raise OpsError(
        f"no Java {MIN_JAVA}+ found (Keycloak 26 needs it; Neo4j 5.26 keeps Java 17/21): install one "
        f"(Debian: apt-get install openjdk-21-jdk-headless) or set KEYCLOAK_JAVA_HOME"
    )


# --- the running server ------------------------------------------------------------------------


class Server:
    def __init__(self, port: int, heap: str):
        self.port = port
        self.heap = heap
        self.run_dir = HOME / "run"
        self.pid_file = self.run_dir / "keycloak.pid"
        self.port_file = self.run_dir / "http.port"  # so stop/status find a server started on another port
        self.console_log = HOME / "logs" / "console.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{REALM}"

    def running_pid(self) -> int | None:
        """The pid of the server if it is alive; a stale pid file is removed."""
        if not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (ValueError, OSError):
            cmdline = ""
        if str(HOME / "dist") in cmdline:
            return pid
        say(f"removing stale pid file {self.pid_file}")
        self.pid_file.unlink(missing_ok=True)
        return None

    def discovery(self) -> dict | None:
        """The realm's OpenID configuration, or None while the server (or the realm's import) is not ready."""
        try:
            with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=2) as answer:
                return json.load(answer)
        except (OSError, ValueError):
            return None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def realm_digest() -> str:
    return hashlib.sha256(REALM_FILE.read_bytes()).hexdigest()


def prepare_import(home: Path) -> None:
    """Put the realm file where --import-realm reads it; reset the dev database if the file changed since."""
    digest_file = HOME / "run" / "realm.sha256"
    digest = realm_digest()
    h2 = home / "data" / "h2"
    if h2.exists() and (not digest_file.exists() or digest_file.read_text().strip() != digest):
        say("the realm file changed since it was imported: deleting the development database to import it anew")
        shutil.rmtree(h2)
    import_dir = home / "data" / "import"
    import_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALM_FILE, import_dir / REALM_FILE.name)
    digest_file.parent.mkdir(parents=True, exist_ok=True)
    digest_file.write_text(digest)


def start(server: Server, wait_seconds: float, wait: bool = True) -> None:
    pid = server.running_pid()
    if pid is not None:
        running_port = int(server.port_file.read_text().strip()) if server.port_file.exists() else server.port
        if running_port != server.port:
            raise OpsError(f"Keycloak already runs (pid {pid}) on port {running_port}; stop it first, or use that port")
        digest_file = HOME / "run" / "realm.sha256"
        if digest_file.exists() and digest_file.read_text().strip() != realm_digest():
            say("the realm file changed since this server imported it: restarting to import it anew")
            stop(server)
            start(server, wait_seconds, wait)
            return
        if server.discovery() is not None:
            say(f"already running (pid {pid}): issuer {server.issuer}")
            return
        if wait:
            say(f"(pid {pid}) is starting; waiting for it")
            wait_ready(server, pid, wait_seconds)
        return
    if port_in_use(server.port):
        raise OpsError(f"port {server.port} is already in use by another process; stop it or choose another port")
    version = fetch()
    home = dist_home(version)
    java = java_home()
    prepare_import(home)
    env = dict(os.environ)
    env.update(
        JAVA_HOME=str(java),
        JAVA_OPTS_KC_HEAP=f"-Xms64m -Xmx{server.heap}",
        KC_BOOTSTRAP_ADMIN_USERNAME=CONSOLE_ADMIN[0],
        KC_BOOTSTRAP_ADMIN_PASSWORD=CONSOLE_ADMIN[1],
    )
    env.pop("JAVA_OPTS", None)  # kc.sh's defaults (G1, metaspace cap, exit on OOM) plus the heap above
    args = [
        "sh",
        str(home / "bin" / "kc.sh"),
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={server.port}",
        # The issuer is fixed, whatever host name the browser used (localhost or 127.0.0.1): tokens must name the
        # issuer the API trusts.
        f"--hostname={server.base_url}",
        "--import-realm",
        "--db=dev-file",
        "--health-enabled=false",  # no management port to collide with; readiness is the realm's discovery
        "--metrics-enabled=false",
    ]
    server.console_log.parent.mkdir(parents=True, exist_ok=True)
    with open(server.console_log, "ab") as log:
        proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=env
        )
    server.run_dir.mkdir(parents=True, exist_ok=True)
    server.pid_file.write_text(str(proc.pid))
    server.port_file.write_text(str(server.port))
    say(f"starting Keycloak {version} (pid {proc.pid}, Java {java_major(java / 'bin' / 'java')}) on {server.base_url}")
    if wait:
        wait_ready(server, proc.pid, wait_seconds)


def wait_ready(server: Server, pid: int, wait_seconds: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < wait_seconds:
        if server.discovery() is not None:
            say(f"ready in {time.monotonic() - started:.0f}s: issuer {server.issuer}")
            return
        if not Path(f"/proc/{pid}").exists():
            server.pid_file.unlink(missing_ok=True)
            raise OpsError(f"Keycloak exited during start-up; last log lines:\n{tail(server)}")
        time.sleep(0.5)
    raise OpsError(f"Keycloak did not answer within {wait_seconds:.0f}s; last log lines:\n{tail(server)}")


def tail(server: Server, lines: int = 30) -> str:
    if not server.console_log.exists():
        return "(no log written)"
    return "\n".join(server.console_log.read_text(errors="replace").splitlines()[-lines:])


def stop(server: Server, wait_seconds: float = 60) -> None:
    pid = server.running_pid()
    if pid is None:
        say("not running")
        return
    os.kill(pid, signal.SIGTERM)  # kc.sh forwards TERM to the JVM, which shuts down cleanly
    deadline = time.monotonic() + wait_seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    if Path(f"/proc/{pid}").exists():
        say(f"pid {pid} did not stop within {wait_seconds:.0f}s; killing its process group")
        os.killpg(pid, signal.SIGKILL)
    server.pid_file.unlink(missing_ok=True)
    say("stopped")


def wipe(server: Server) -> None:
    """Stop the server and delete its database: the next start imports the realm file anew."""
    stop(server)
    version = installed_version()
    if version is not None:
        shutil.rmtree(dist_home(version) / "data" / "h2", ignore_errors=True)
    (HOME / "run" / "realm.sha256").unlink(missing_ok=True)
    say("wiped the development database")


def rss_mb(pid: int) -> float:
    """Resident memory of the server: kc.sh's shell and the JVM it runs (a child, or the same pid after exec)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid] + [int(c) for c in children.read_text().split()] if children.exists() else [pid]
    for p in pids:
        try:
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text())
        except OSError:
            continue
        total += int(match.group(1)) if match else 0
    return total / 1024


def status(server: Server) -> int:
    pid = server.running_pid()
    if pid is None:
        say("not running")
        return 1
    ready = "ready" if server.discovery() is not None else "not answering yet"
    say(f"running (pid {pid}, RSS {rss_mb(pid):.0f} MB) on {server.base_url}: {ready}; issuer {server.issuer}")
    return 0


# --- logging in --------------------------------------------------------------------------------


def demo_users() -> list[tuple[str, str]]:
    """(username, display name) of the realm file's people, in the file's order."""
    realm = json.loads(REALM_FILE.read_text())
    return [
        (u["username"], f"{u.get('firstName', '')} {u.get('lastName', '')}".strip())
        for u in realm["users"]
        if "serviceAccountClientId" not in u
    ]


def info(server: Server) -> str:
    users = "\n".join(f"    {name:<20} {display}" for name, display in demo_users())
    token_endpoint = f"{server.issuer}/protocol/openid-connect/token"
    return f"""Keycloak (development identity provider) on {server.base_url}
  issuer (AUTH_ISSUERS)   {server.issuer}
  audience (AUTH_AUDIENCE) {API_AUDIENCE}
  token endpoint          {token_endpoint}
  explorer client         {EXPLORER_CLIENT} (public, authorization code + PKCE S256, redirects to 127.0.0.1:8000)
  demo users (dev-only password for all: {DEMO_PASSWORD}):
{users}
  a user's token:         python ops/keycloak_local.py token --port {server.port} investigator
  the credit platform (service account, client credentials):
    curl -s -d grant_type=client_credentials -u {SERVICE_CLIENT}:{SERVICE_SECRET} \\
      {token_endpoint} | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
  admin console           {server.base_url}/admin/ (master realm: {CONSOLE_ADMIN[0]} / {CONSOLE_ADMIN[1]})"""


class _LoginForm(html.parser.HTMLParser):
    """Finds the login page's form action (Keycloak's login theme: a POST to .../login-actions/authenticate)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.error: list[str] = []
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and self.action is None and "login-actions" in (attr.get("action") or ""):
            self.action = attr["action"]
        if "input-error" in (attr.get("id") or "") or "alert-error" in (attr.get("class") or ""):
            self._in_error = True

    def handle_data(self, data: str) -> None:
        if self._in_error and data.strip():
            self.error.append(data.strip())
            self._in_error = False


class _LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Keycloak's session cookies are `Secure`; browsers send those to http://127.0.0.1 (a secure context), so do we."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        host = urllib.parse.urlsplit(request.get_full_url()).hostname
        return host in ("127.0.0.1", "localhost") or super().return_ok_secure(cookie, request)


class _StopAtRedirectUri(urllib.request.HTTPRedirectHandler):
    """Follows Keycloak's own redirects but not the final one to the explorer: that one carries the code."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if newurl.startswith(EXPLORER_REDIRECT):
            raise _Redirected(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Redirected(Exception):
    def __init__(self, location: str):
        self.location = location


def _post_form(url: str, fields: dict[str, str], auth: tuple[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    if auth is not None:
        basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {basic}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as err:
        raise OpsError(f"{url} answered {err.code}: {err.read().decode(errors='replace')[:500]}") from None


def login(server: Server, username: str, password: str = DEMO_PASSWORD) -> dict:
    """Log a demo user in as the explorer does (authorization code + PKCE S256); return the token response."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = EXPLORER_REDIRECT + "callback"
    state = secrets.token_urlsafe(16)
    query = urllib.parse.urlencode(
        {
            "client_id": EXPLORER_CLIENT,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(_LoopbackIsSecure())), _StopAtRedirectUri()
    )
    try:
        with opener.open(f"{server.issuer}/protocol/openid-connect/auth?{query}", timeout=30) as page:
            form = _LoginForm()
            form.feed(page.read().decode())
        if form.action is None:
            raise OpsError("Keycloak's login page has no login form")
        credentials = urllib.parse.urlencode({"username": username, "password": password, "credentialId": ""})
        with opener.open(form.action, data=credentials.encode(), timeout=30) as page:
            refused = _LoginForm()
            refused.feed(page.read().decode())
        raise OpsError(f"login of {username!r} refused: {refused.error[0] if refused.error else 'no code was issued'}")
    except _Redirected as redirected:
        answer = urllib.parse.parse_qs(urllib.parse.urlsplit(redirected.location).query)
    except urllib.error.HTTPError as err:
        raise OpsError(f"the login page answered {err.code}: {err.read().decode(errors='replace')[:300]}") from None
    if answer.get("state") != [state] or "code" not in answer:
        raise OpsError(f"the redirect carried no code for this login: {answer}")
    return _post_form(
        f"{server.issuer}/protocol/openid-connect/token",
        {
            "grant_type": "authorization_code",
            "client_id": EXPLORER_CLIENT,
            "code": answer["code"][0],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
    )


def service_account_token(server: Server) -> dict:
    """The credit platform's token by client credentials; the token response."""
    return _post_form(
        f"{server.issuer}/protocol/openid-connect/token",
        {"grant_type": "client_credentials"},
        auth=(SERVICE_CLIENT, SERVICE_SECRET),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "start", "stop", "status", "info", "token", "wipe"])
    parser.add_argument("user", nargs="?", help="token: the demo user (its username is its role)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KEYCLOAK_PORT", "8180")))
    parser.add_argument("--heap", default=os.environ.get("KEYCLOAK_HEAP", "512m"), help="the JVM's -Xmx")
    parser.add_argument("--wait", type=float, default=600.0, help="seconds to wait for readiness")
    parser.add_argument(
        "--no-wait", action="store_true", help="start: return at once (a later `start` waits for readiness)"
    )
    parser.add_argument("--service-account", action="store_true", help="token: the credit platform's")
    args = parser.parse_intermixed_args(argv)
    server = Server(args.port, args.heap)
    if args.command in ("stop", "status", "wipe") and server.port_file.exists():
        server.port = int(server.port_file.read_text().strip())
    try:
        if args.command == "fetch":
            say(f"Keycloak {fetch()} unpacked under {HOME / 'dist'}; Java: {java_home()}")
        elif args.command == "start":
            start(server, args.wait, wait=not args.no_wait)
            if not args.no_wait:
                print(info(server), flush=True)
        elif args.command == "stop":
            stop(server)
        elif args.command == "wipe":
            wipe(server)
        elif args.command == "info":
            print(info(server))
        elif args.command == "token":
            if args.service_account == bool(args.user):
                raise OpsError("name a demo user, or --service-account")
            answer = service_account_token(server) if args.service_account else login(server, args.user)
            print(answer["access_token"])
        else:
            return status(server)
        return 0
    except OpsError as err:
        print(f"[keycloak] error: {err}", file=sys.stderr)
        if args.command == "start":
            print("[keycloak] (`make run KEYCLOAK=0` runs without Keycloak: local tokens only)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
