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
    """No broker answers at the bootstrap address (at start, or for good mid-consume).

    The real backend raises a subclass that is also aiokafka's ``KafkaConnectionError``
    (:func:`engine.client.real.real_error`), so ``except aiokafka.errors.KafkaError``
    catches it in real mode as it catches aiokafka's own connection errors.
    """

    errno = 8
    retriable = True
    description = "The broker is not available."

    def __init__(self, bootstrap_servers: str, detail: str = "") -> None:
        self.bootstrap_servers = bootstrap_servers
        text = (f"No Kafka broker answers at {bootstrap_servers}"
                + (f" ({detail})" if detail else "") + ". " + START_HINT)
        super().__init__(text)


class GroupJoinTimeoutError(KafkaError):
    """A consumer's ``start()`` reached the broker but its group did not finish joining in
    time: the coordinator still waits for other members (often one of a notebook kernel that
    restarted) to rejoin or to time out. A group problem, not a missing broker."""

    errno = 7  # REQUEST_TIMED_OUT
    retriable = True
    description = "The group did not finish joining in time."

    def __init__(self, group_id: str, seconds: float) -> None:
        self.group_id = group_id
        text = (f"Consumer group {group_id!r} did not finish joining within {seconds:.0f} s. "
                "The broker answers, but the group coordinator is still waiting for the "
                "group's other members to rejoin (a consumer of a restarted kernel counts "
                "until its session.timeout.ms runs out). Try again, use another group_id, or "
                "look at the group with `kafka-consumer-groups.sh --describe`.")
        super().__init__(text)
