"""The local-server script's operator-facing behaviour: stale pid files, a busy port, config, Java check."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import _local_ops

ops = _local_ops()


@pytest.fixture
def instance(tmp_path, monkeypatch):
    inst = ops.Instance("unit", 1, heap="256m", pagecache="64m", tx_timeout="5s")
    monkeypatch.setattr(inst, "home", tmp_path / "unit")
    monkeypatch.setattr(inst, "conf_dir", tmp_path / "unit" / "conf")
    monkeypatch.setattr(inst, "pid_file", tmp_path / "unit" / "run" / "neo4j.pid")
    return inst


def test_a_stale_pid_file_is_removed(instance):
    instance.pid_file.parent.mkdir(parents=True)
    instance.pid_file.write_text("999999999")  # no such process
    assert instance.running_pid() is None
    assert not instance.pid_file.exists()


def test_a_pid_of_another_program_is_not_taken_for_the_server(instance):
    instance.pid_file.parent.mkdir(parents=True)
    instance.pid_file.write_text("1")  # init: alive, but not this instance's Neo4j
    assert instance.running_pid() is None


def test_a_port_in_use_is_refused_with_a_clear_message(instance):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        instance.port = busy.getsockname()[1]
        with pytest.raises(ops.OpsError, match=f"port {instance.port} is already in use"):
            ops.start(instance, wait_seconds=1)


def test_config_is_loopback_only_with_explicit_memory(instance):
    instance.port = 7999
    instance.write_config()
    conf = (instance.conf_dir / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:7999" in conf
    assert "server.memory.heap.max_size=256m" in conf and "server.memory.pagecache.size=64m" in conf
    assert f"server.directories.data={instance.home / 'data'}" in conf


def test_an_unsupported_java_is_named(monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\"' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(ops.OpsError, match="Java 11"):
        ops.java_binary()


def test_a_server_this_process_started_counts_as_stopped_once_it_exits():
    """The suite starts Neo4j itself: an exited child stays a zombie (its /proc entry remains) until reaped, and stop
    must not wait its full minute for it and then kill -9 a server that had shut down cleanly."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(100):
        if Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
            break
        time.sleep(0.05)
    assert ops.process_gone(child.pid)
    assert not ops.process_gone(os.getpid())


def test_an_unknown_plugin_is_named(instance):
    instance.plugins = ("gds",)
    with pytest.raises(ops.OpsError, match="unknown plugin 'gds'; known: tracegraph, apoc"):
        ops.install_plugins(instance)


def test_the_plugins_directory_holds_exactly_the_instance_s_plugins(instance, tmp_path, monkeypatch):
    """A jar left from a start with other plugins is removed; without plugins nothing is built (no Maven run)."""
    built = tmp_path / "built"
    built.mkdir()
    jars = {"tracegraph": [built / "tracegraph-procedures-1.jar"], "apoc": [built / "apoc-core.jar", built / "dep.jar"]}
    for paths in jars.values():
        for jar in paths:
            jar.write_bytes(b"jar")
    calls = []
    monkeypatch.setattr(ops, "plugin_jars", lambda: calls.append(1) or jars)
    plugins = instance.home / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "stale.jar").write_bytes(b"old")

    instance.plugins = ("apoc",)
    ops.install_plugins(instance)
    assert sorted(p.name for p in plugins.iterdir()) == ["apoc-core.jar", "dep.jar"]

    instance.plugins = ()
    ops.install_plugins(instance)
    assert list(plugins.iterdir()) == []
    assert len(calls) == 1
