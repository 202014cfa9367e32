"""The local-server script's operator-facing behaviour: stale pid files, a busy port, config, Java check."""

import socket

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
