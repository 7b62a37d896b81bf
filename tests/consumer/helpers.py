"""Shared helpers for consumer tests: a cluster, a recording listener, a poll driver."""

from __future__ import annotations

from typing import Any

from engine import Cluster
from engine.consumer import ConsumerRebalanceListener
from engine.core.records import TopicPartition


def new_cluster(partitions: int = 3, seed: int = 11) -> Cluster:
    cluster = Cluster(brokers=1, seed=seed)
    cluster.create_topic("t", partitions=partitions)
    return cluster


class Recorder(ConsumerRebalanceListener):
    """Logs every callback as (name, label, [partition numbers])."""

    def __init__(self, label: str, log: list[tuple[str, str, list[int]]]) -> None:
        self.label = label
        self.log = log

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self.log.append(("revoked", self.label, [tp.partition for tp in revoked]))

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.log.append(("assigned", self.label, [tp.partition for tp in assigned]))

    def on_partitions_lost(self, lost: list[TopicPartition]) -> None:
        self.log.append(("lost", self.label, [tp.partition for tp in lost]))


def drive(consumers: list[Any], rounds: int = 5, timeout_ms: int = 1000) -> dict[Any, list[Any]]:
    """Poll each consumer in turn, ``rounds`` times; collect values per consumer."""
    got: dict[Any, list[Any]] = {c: [] for c in consumers}
    for _ in range(rounds):
        for consumer in consumers:
            for records in consumer.poll(timeout_ms).values():
                got[consumer].extend(r.value for r in records)
    return got


def parts(consumer: Any) -> list[int]:
    return sorted(tp.partition for tp in consumer.assignment())
