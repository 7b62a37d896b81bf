"""Docker is detected by pinging its daemon; the container is described without starting."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from engine.client import containers
from engine.client.containers import container_spec, docker_available
from engine.client.errors import DockerNotAvailableError


def test_no_daemon_socket_fails_within_a_second(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/missing.sock")
    began = time.monotonic()
    with pytest.raises(DockerNotAvailableError, match="Docker is needed") as raised:
        docker_available()
    assert time.monotonic() - began < 1.0
    assert "connect(\"host:port\")" in str(raised.value)


def test_a_silent_listener_is_not_a_daemon_and_costs_under_a_second(monkeypatch) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{port}")
        began = time.monotonic()
        with pytest.raises(DockerNotAvailableError):
            docker_available()
        assert time.monotonic() - began < 1.0


def test_a_daemon_answering_ping_is_found(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "d.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")

    thread = threading.Thread(target=answer)
    thread.start()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    try:
        docker_available()
    finally:
        thread.join(2)
        server.close()


def test_without_docker_host_the_usual_sockets_are_tried(monkeypatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    candidates = containers._socket_candidates()
    assert "unix:///var/run/docker.sock" in candidates


def test_the_spec_is_a_single_kraft_kafka_4_node_not_started() -> None:
    spec = container_spec(host_port=39999)
    assert spec.image.startswith("apache/kafka:4.")
    assert spec.container_port == 9092
    assert spec.bootstrap_servers == "localhost:39999"
    assert spec.env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert spec.env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://localhost:39999"
    assert "CONTROLLER" in spec.env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert spec.env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert not any("ZOOKEEPER" in name for name in spec.env)


def test_a_spec_without_a_port_picks_a_free_one() -> None:
    port = container_spec().host_port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
