"""The `tracegraph` command as a data supplier runs it: says where it writes, reads files as they are sent, fails in
one line when the database (or the server of --url) cannot be reached."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import cli
from api.main import create_app
from graph.settings import get_settings
from tests.api.test_serve import restored_logging  # noqa: F401 (a fixture)
from tests.conftest import bearer, enterprise


@pytest.fixture
def run(monkeypatch, settings):
    """Invoke the CLI against the test database (or another URI)."""

    def invoke(*args: str, uri: str | None = None):
        monkeypatch.setenv("NEO4J_URI", uri or settings.neo4j_uri)
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(cli, list(args))
        finally:
            get_settings.cache_clear()

    return invoke


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_import_says_which_database_it_writes_to(run, db, tmp_path, settings):
    file = write(tmp_path / "e.ndjson", json.dumps(enterprise("E1")).encode())
    result = run("import", str(file))
    assert result.exit_code == 0, result.output
    assert f"target: {settings.neo4j_uri} database 'neo4j' (NEO4J_URI)" in result.output


def test_schema_and_credit_sweep_say_where_they_write_too(run, db, settings):
    for command in (["schema"], ["credit", "sweep"]):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert f"target: {settings.neo4j_uri}" in result.output


def test_an_unreachable_database_is_one_clear_line_and_exit_status_2(run, tmp_path):
    file = write(tmp_path / "e.ndjson", json.dumps(enterprise("E1")).encode())
    result = run("import", str(file), uri="bolt://127.0.0.1:1")
    assert result.exit_code == 2
    assert "cannot use Neo4j at bolt://127.0.0.1:1" in result.output
    assert "Traceback" not in result.output


def test_a_gbk_file_is_named_as_such_and_read_with_encoding_gb18030(run, db, tmp_path):
    line = json.dumps(enterprise("G1", name="新乡市某乳业有限公司"), ensure_ascii=False)
    file = write(tmp_path / "gbk.ndjson", line.encode("gb18030") + b"\n")
    refused = run("import", str(file))
    assert refused.exit_code == 1
    assert "gbk.ndjson:1" in refused.output and "gb18030" in refused.output
    accepted = run("import", str(file), "--encoding", "gb18030")
    assert accepted.exit_code == 0, accepted.output


def test_a_utf8_file_with_a_bom_and_crlf_line_ends_imports(run, db, tmp_path):
    lines = [json.dumps(enterprise(f"E{i}"), ensure_ascii=False) for i in range(3)]
    file = write(tmp_path / "bom.ndjson", b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    result = run("import", str(file))
    assert result.exit_code == 0, result.output


def test_an_unknown_encoding_is_a_usage_error(run, tmp_path):
    file = write(tmp_path / "e.ndjson", b"{}")
    result = run("import", str(file), "--encoding", "klingon")
    assert result.exit_code == 2
    assert "unknown encoding 'klingon'" in result.output


def test_a_dry_run_reports_what_it_would_do_as_json_and_writes_nothing(run, db, tmp_path):
    file = write(tmp_path / "e.ndjson", "\n".join(json.dumps(enterprise(f"E{i}")) for i in range(3)).encode())
    result = run("import", str(file), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["dryRun"] is True and report["ok"] is True
    assert report["byType"] == {"enterprise": {"created": 3, "updated": 0, "unchanged": 0}}
    assert "target:" not in result.output  # a dry run writes nothing
    assert json.loads(run("import", str(file), "--json").output.strip().splitlines()[-1])["created"] == 3


def test_json_errors_name_their_lines_and_exit_1(run, db, tmp_path):
    file = write(tmp_path / "bad.ndjson", b'{"type": "enterprise", "id": "E1"}\n\n{"type": "nope"}\n')
    result = run("import", str(file), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output.strip().splitlines()[-1])
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(1, "name"), (3, "type")]


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("tracegraph ")


# --- tracegraph import FILE --url: the same import through a server's POST /imports --------------------------------


@pytest.fixture
def server(settings, request) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A real uvicorn serving the app (its own driver to the test database) on a free port, in a thread; and the
    headers of every request it received. (The app's lifespan configures logging: restored_logging puts it back.)"""
    request.getfixturevalue("restored_logging")
    app = create_app(settings.model_copy(update={"credit_sweep_interval_s": 0}))
    seen: list[dict[str, str]] = []

    async def recording(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
        await app(scope, receive, send)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uvicorn_server = uvicorn.Server(uvicorn.Config(recording, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        uvicorn_server.should_exit = True
        thread.join(30)


def test_import_through_a_server_gives_the_report_and_exit_status_of_a_local_import(
    run, db, tmp_path, server, monkeypatch
):
    url, seen = server
    lines = [json.dumps(enterprise(f"E{i}", name=f"新乡企业{i}"), ensure_ascii=False) for i in range(3)]
    file = write(tmp_path / "e.ndjson", "\n".join(lines).encode("gb18030"))
    token, other = bearer("window-1", ("single_window",)), bearer("window-2", ("single_window",))
    monkeypatch.setenv("TRACEGRAPH_TOKEN", token)
    result = run("import", str(file), "--url", url, "--encoding", "gb18030", "--json")
    assert result.exit_code == 0, result.output
    assert f"target: {url}/imports" in result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert (report["file"], report["ok"], report["created"]) == (str(file), True, 3)
    local = json.loads(run("import", str(file), "--encoding", "gb18030", "--json").output.strip().splitlines()[-1])
    assert set(local) == set(report) and local["unchanged"] == 3
    post = next(h for h in seen if h.get("content-encoding") == "gzip")
    assert post["authorization"] == f"Bearer {token}"
    assert all(h.get("authorization") == f"Bearer {token}" for h in seen)

    bad = write(tmp_path / "bad.ndjson", b'{"type": "enterprise", "id": "E1"}\n\n{"type": "nope"}\n')
    result = run("import", str(bad), "--url", url, "--token", other)
    assert result.exit_code == 1
    assert f"{bad}:1: name" in result.output and f"{bad}:3: type" in result.output
    assert "2 error(s); nothing was written." in result.output
    assert seen[-1]["authorization"] == f"Bearer {other}"

    result = run("import", str(file), "--url", url, "--dry-run", "--encoding", "gb18030")
    assert result.exit_code == 0, result.output
    assert "dry run of" in result.output and "target:" not in result.output


def test_an_unreachable_server_is_one_line_and_exit_status_2(run, tmp_path):
    file = write(tmp_path / "e.ndjson", json.dumps(enterprise("E1")).encode())
    result = run("import", str(file), "--url", "http://127.0.0.1:1")
    assert result.exit_code == 2
    assert "cannot reach http://127.0.0.1:1" in result.output
    assert "Traceback" not in result.output
