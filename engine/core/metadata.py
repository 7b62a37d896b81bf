"""Cluster metadata as brokers serve it, and a client's cache of it.

Any running broker answers a Metadata request for the whole cluster from its own
metadata cache, which is how a client finds every broker from one bootstrap address
(broker discovery). A broker that hears the controller has the current metadata; one
cut off from it answers with what it last heard.

:class:`MetadataCache` is what a producer keeps: the leader of each partition. When a
request reaches a broker that is not the leader (``NotLeaderOrFollowerError``) or
cannot be reached (``KafkaConnectionError``), the client refreshes its metadata from
any broker it knows and tries the new leader (``Cluster.produce(..., metadata=cache)``).

Differences from Kafka: brokers are listed as ``localhost:9092``, ``9093``, ... in id
order; ``controller_id`` is the active KRaft controller (a real KRaft broker reports a
random live broker there, since clients cannot talk to controllers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from engine.core.errors import KafkaConnectionError, NotLeaderOrFollowerError
from engine.core.records import TopicPartition

BASE_PORT = 9092


class BrokerMetadata(NamedTuple):
    """A broker in a Metadata response (aiokafka's ``BrokerMetadata`` fields)."""

    nodeId: int  # aiokafka spells it so
    host: str
    port: int
    rack: str | None = None


class PartitionMetadata(NamedTuple):
    """A partition in a Metadata response; ``leader`` is ``None`` for no leader (-1)."""

    topic: str
    partition: int
    leader: int | None
    leader_epoch: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


class ClusterMetadata(NamedTuple):
    """A Metadata response: the live brokers, the controller, every topic's partitions."""

    cluster_id: str
    controller_id: int | None
    brokers: tuple[BrokerMetadata, ...]
    topics: dict[str, tuple[PartitionMetadata, ...]]
    answered_by: int

    def leader_for(self, topic: str, partition: int) -> int | None:
        parts = self.topics.get(topic)
        if parts is None or not 0 <= partition < len(parts):
            return None
        return parts[partition].leader


class MetadataCache:
    """A client's view of the cluster: refreshed from any broker it can reach.

    ``bootstrap`` lists the brokers the client was given (``bootstrap.servers``); after
    the first refresh it knows every live broker. ``history`` lists what happened, for
    lessons: ``("refresh", broker)``, ``("error", broker, error class name)``.
    """

    def __init__(self, bootstrap: Iterable[int]) -> None:
        self.bootstrap = tuple(bootstrap)
        if not self.bootstrap:
            raise ValueError("bootstrap needs at least one broker id")
        self.known_brokers: tuple[int, ...] = self.bootstrap
        self.current: ClusterMetadata | None = None
        self.history: list[tuple[object, ...]] = []

    def refresh(self, cluster: _MetadataSource) -> ClusterMetadata:
        """Ask the known brokers, in order, until one answers."""
        last: Exception | None = None
        candidates = list(dict.fromkeys([*self.known_brokers, *self.bootstrap]))
        for broker in candidates:
            try:
                md = cluster.metadata(via_broker=broker)
            except KafkaConnectionError as error:
                last = error
                self.history.append(("error", broker, type(error).__name__))
                continue
            self.current = md
            self.known_brokers = tuple(b.nodeId for b in md.brokers) or self.known_brokers
            self.history.append(("refresh", broker))
            return md
        assert last is not None
        raise last

    def leader_for(self, cluster: _MetadataSource, tp: TopicPartition) -> int | None:
        """The cached leader of ``tp``, refreshing first when it is unknown."""
        if self.current is None or self.current.leader_for(*tp) is None:
            self.refresh(cluster)
        assert self.current is not None
        return self.current.leader_for(*tp)


class _MetadataSource:
    """What :class:`MetadataCache` needs from a cluster (for type checkers)."""

    def metadata(self, via_broker: int | None = None) -> ClusterMetadata:  # pragma: no cover
        raise NotImplementedError


RETRIABLE_ROUTING_ERRORS = (NotLeaderOrFollowerError, KafkaConnectionError)
"""Errors after which a client refreshes its metadata and sends again."""
