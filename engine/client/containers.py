"""Kafka in a Docker container for ``connect("testcontainers")``.

:func:`docker_available` pings the Docker daemon itself (``GET /_ping`` on
``$DOCKER_HOST`` or the usual sockets, 0.5 s each, under 1 s in all): a ``docker``
command on the PATH says nothing about a running daemon. :func:`container_spec` says
what would run, without starting anything: the ``apache/kafka`` image (Apache Kafka 4.x,
KRaft, one combined broker and controller), its environment and ports.
:func:`start_kafka` starts it with testcontainers and waits for the broker.

testcontainers' ``KafkaContainer`` drives Confluent's images through their start
scripts, and its KRaft mode refuses other images; the official Apache image configures
itself from ``KAFKA_*`` variables, so it runs as a generic testcontainers container whose
port is bound to a free host port that the broker also advertises.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from engine.client.errors import DockerNotAvailableError

IMAGE = "apache/kafka:4.4.0"  # the version the course compares the engine with
CONTAINER_PORT = 9092
READY_LOG = r".*Kafka Server started.*"
PING_TIMEOUT_S = 0.5
DETECT_BUDGET_S = 0.9


@dataclass(frozen=True)
class ContainerSpec:
    """The container ``connect("testcontainers")`` runs: image, environment, ports."""

    image: str
    host_port: int
    container_port: int = CONTAINER_PORT
    env: dict[str, str] = field(default_factory=dict)
    ready_log: str = READY_LOG

    @property
    def bootstrap_servers(self) -> str:
        return f"localhost:{self.host_port}"


def _socket_candidates() -> list[str]:
    """Where the Docker daemon may listen: ``$DOCKER_HOST`` only, if it is set."""
    if os.environ.get("DOCKER_HOST"):
        return [os.environ["DOCKER_HOST"]]
    home = Path.home()
    paths = [Path("/var/run/docker.sock"), home / ".docker/run/docker.sock",
             home / ".docker/desktop/docker.sock"]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        paths.append(Path(runtime) / "docker.sock")
    return [f"unix://{p}" for p in paths]


def _ping(url: str, timeout: float) -> str | None:
    """None if the daemon at ``url`` answers ``/_ping``, else why not."""
    parsed = urlparse(url)
    try:
        if parsed.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: Any = parsed.path
        elif parsed.scheme in ("tcp", "http"):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parsed.hostname or "localhost", parsed.port or 2375)
        else:
            return f"unsupported DOCKER_HOST {url!r}"
        with sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = sock.recv(256)
    except OSError as error:
        return f"{url}: {error.strerror or error}"
    return None if reply.startswith(b"HTTP/1.") and b" 200 " in reply[:16] else (
        f"{url}: unexpected answer")


def docker_available() -> None:
    """Raise :class:`DockerNotAvailableError` (within 1 s) unless a Docker daemon answers."""
    began = time.monotonic()
    reasons = []
    for url in _socket_candidates():
        left = DETECT_BUDGET_S - (time.monotonic() - began)
        if left <= 0:
            break
        reason = _ping(url, min(PING_TIMEOUT_S, left))
        if reason is None:
            return
        reasons.append(reason)
    raise DockerNotAvailableError("; ".join(reasons[:2]) or "no daemon socket")


def free_port() -> int:
    """A TCP port free on this machine right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def container_spec(host_port: int | None = None, image: str = IMAGE) -> ContainerSpec:
    """The single-node KRaft Kafka container, not started."""
    port = free_port() if host_port is None else host_port
    env = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://0.0.0.0:{CONTAINER_PORT},CONTROLLER://localhost:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://localhost:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    }
    return ContainerSpec(image=image, host_port=port, env=env)


def start_kafka(spec: ContainerSpec | None = None, timeout_s: float = 120.0) -> Any:
    """Start the container (Docker checked first) and wait for the broker; returns the
    testcontainers container (``.stop()`` removes it)."""
    docker_available()
    spec = spec or container_spec()
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    container = DockerContainer(spec.image)
    container.with_bind_ports(spec.container_port, spec.host_port)
    for name, value in spec.env.items():
        container.with_env(name, value)
    container.start()
    try:
        wait_for_logs(container, spec.ready_log, timeout=timeout_s)
    except BaseException:
        container.stop()
        raise
    return container
