"""The deployment files, checked as far as this machine (no Docker engine) allows: docker-compose.yml against the
Compose specification's JSON schema (the copy check-jsonschema ships, pinned with it in pyproject.toml), after the
interpolation Compose does; and the proxy's nginx.conf by `nginx -t`, where nginx is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from graph.settings import Settings
from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "ops" / "proxy" / "nginx.conf"
# What an operator sets (README "Operations"): the variables the file requires.
ENV = {
    "NEO4J_PASSWORD": "secret",
    "KEYCLOAK_DB_PASSWORD": "secret",
    "KEYCLOAK_URL": "https://id.example.org",
    "KEYCLOAK_ADMIN_PASSWORD": "secret",
}
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$\$")


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's interpolation: ${X}, ${X:-default}, ${X:?error} (an unset required variable is an error); $$ is $."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m.group("name"), m.group("op"), m.group("arg")
        if env.get(name):
            return env[name]
        if op in (":?", "?"):
            raise KeyError(f"{name} is required: {arg}")
        return arg or ""

    return VARIABLE.sub(one, value)


def compose_schema() -> dict[str, Any]:
    vendored = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def compose_file(env: dict[str, str]) -> dict[str, Any]:
    return interpolate(YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8")), env)


def test_the_compose_file_follows_the_compose_specification():
    document = compose_file(ENV)
    errors = sorted(jsonschema.Draft202012Validator(compose_schema()).iter_errors(document), key=lambda e: list(e.path))
    assert [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors] == []


def test_the_compose_file_is_neo4j_keycloak_and_api_replicas_behind_the_proxy():
    services = compose_file({**ENV, "API_REPLICAS": "3"})["services"]
    assert {"neo4j", "keycloak", "keycloak-db", "api", "proxy"} <= set(services)
    api, proxy = services["api"], services["proxy"]
    assert api["deploy"]["replicas"] == "3" and "ports" not in api  # reached through the proxy only
    assert proxy["ports"] == ["8000:8080"]
    assert "./ops/proxy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert compose_file(ENV)["services"]["api"]["deploy"]["replicas"] == "2"  # the default


def test_the_compose_file_refuses_to_start_without_its_secrets():
    with pytest.raises(KeyError, match="NEO4J_PASSWORD"):
        compose_file({k: v for k, v in ENV.items() if k != "NEO4J_PASSWORD"})


def nginx_version(nginx: str) -> tuple[int, ...]:
    out = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr
    return tuple(int(x) for x in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out).groups())  # type: ignore[union-attr]


def test_the_proxy_configuration_passes_nginx_t(tmp_path: Path):
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light): the proxy configuration is not checked")
    conf = NGINX_CONF.read_text(encoding="utf-8")
    # Outside Compose there is no `api` host; nginx before 1.27.3 lacks `resolve` (the image is 1.28): both are
    # put aside for the check, the rest is nginx's to judge.
    conf = conf.replace("server api:8000", "server 127.0.0.1:8000")
    if nginx_version(nginx) < (1, 27, 3):
        conf = conf.replace(" resolve ", " ")
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_proxy_drops_an_idle_replica_connection_before_the_replica_does():
    """A request the proxy sends on a connection the replica is closing (idle for API_KEEP_ALIVE_S) fails, and a POST
    is not retried: every upstream keeps idle connections for less than the replica's keep-alive."""
    conf = NGINX_CONF.read_text(encoding="utf-8")
    upstreams = re.findall(r"upstream (\w+) \{(.*?)\}", conf, re.S)
    assert upstreams
    for name, block in upstreams:
        kept = re.search(r"keepalive_timeout (\d+)s;", block)
        assert kept, f"upstream {name} keeps idle connections for nginx's default 60 s"
        assert int(kept.group(1)) < Settings().api_keep_alive_s, name
