"""Errors of :func:`engine.client.connect` when the real Kafka it was asked for is not there."""

from __future__ import annotations

from engine.core.errors import KafkaError

START_HINT = (
    "Start a local broker with `python3 course.py kafka-start`, or use the built-in "
    "engine instead: `connect()`."
)


class DockerNotAvailableError(RuntimeError):
    """``connect("testcontainers")`` needs a running Docker daemon and found none."""

    def __init__(self, detail: str = "") -> None:
        text = ("Docker is needed to start Kafka with testcontainers, but no Docker daemon "
                "answers" + (f" ({detail})" if detail else "") + ". Start Docker, or use the "
                "built-in engine with `connect()`, or your own broker with "
                "`connect(\"host:port\")`.")
        super().__init__(text)


class BrokerNotAvailableError(KafkaError):
    """No broker answers at the bootstrap address (at start, or for good mid-consume)."""

    errno = 8
    retriable = True
    description = "The broker is not available."

    def __init__(self, bootstrap_servers: str, detail: str = "") -> None:
        self.bootstrap_servers = bootstrap_servers
        text = (f"No Kafka broker answers at {bootstrap_servers}"
                + (f" ({detail})" if detail else "") + ". " + START_HINT)
        super().__init__(text)
