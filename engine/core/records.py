"""Value objects that cross the engine's public API.

Their fields follow Kafka's client vocabulary (and aiokafka's spelling), so that lesson
code written against the engine reads the same as code written against a real client.
"""

from __future__ import annotations

from typing import NamedTuple


class TopicPartition(NamedTuple):
    """A topic name and a partition number: the unit of ordering in Kafka."""

    topic: str
    partition: int


class RecordMetadata(NamedTuple):
    """What a producer is told after a record was appended.

    ``offset`` is the record's position in its partition's log and ``timestamp`` is the
    record's timestamp in milliseconds (``CreateTime``: the producer's clock).
    """

    topic: str
    partition: int
    offset: int
    timestamp: int

    @property
    def topic_partition(self) -> TopicPartition:
        return TopicPartition(self.topic, self.partition)


class OffsetAndTimestamp(NamedTuple):
    """The first record at or after a time: what ``offsets_for_times`` answers per partition."""

    offset: int
    timestamp: int


class ConsumerRecord(NamedTuple):
    """A record as a consumer sees it, with the fields of aiokafka's ``ConsumerRecord``.

    ``timestamp_type`` is 0 for ``CreateTime`` and 1 for ``LogAppendTime``. ``checksum``
    is always ``None``, as for every record batch of format v2.
    """

    topic: str
    partition: int
    offset: int
    timestamp: int
    timestamp_type: int
    key: bytes | None
    value: bytes | None
    checksum: int | None
    serialized_key_size: int
    serialized_value_size: int
    headers: tuple[tuple[str, bytes], ...]


class PartitionDescription(NamedTuple):
    """One partition as ``describe_topic`` reports it: placement and log offsets.

    ``leader`` is ``None`` when the partition has no leader (``kafka-topics`` prints
    ``Leader: none``). The offsets are the leader's (its last leader's while it has
    none); ``replica_log_end_offsets`` gives each replica's log end offset, in the order
    of ``replicas``. ``elr`` and ``last_known_elr`` are the eligible leader replicas and
    the last known ELR (KIP-966; always empty on a cluster made with
    ``eligible_leader_replicas=False``); the repr leaves them out while they are empty.
    ``min_insync_replicas`` is the topic's configured value, which is what
    ``kafka-topics --under-min-isr-partitions`` compares with.
    """

    partition: int
    leader: int | None
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    log_start_offset: int
    high_watermark: int
    log_end_offset: int
    leader_epoch: int = 0
    replica_log_end_offsets: tuple[int, ...] = ()
    min_insync_replicas: int = 1
    elr: tuple[int, ...] = ()
    """Eligible leader replicas (KIP-966)."""
    last_known_elr: tuple[int, ...] = ()
    """Kafka 4.x's last known leader, kept while the ISR is empty."""

    def __repr__(self) -> str:
        fields = [f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)
                  if value != () or name not in ("elr", "last_known_elr")]
        return f"PartitionDescription({', '.join(fields)})"

    @property
    def under_replicated(self) -> bool:
        """Fewer in-sync replicas than replicas (``--under-replicated-partitions``)."""
        return len(self.replicas) - len(self.isr) > 0

    @property
    def unavailable(self) -> bool:
        """No leader (``--unavailable-partitions``; a fenced leader is never kept)."""
        return self.leader is None

    @property
    def under_min_isr(self) -> bool:
        """No leader, or an ISR below ``min.insync.replicas`` (``--under-min-isr-partitions``)."""
        return self.leader is None or len(self.isr) < self.min_insync_replicas

    @property
    def at_min_isr(self) -> bool:
        """An ISR exactly ``min.insync.replicas`` long (``--at-min-isr-partitions``)."""
        return len(self.isr) == self.min_insync_replicas


class TopicDescription(NamedTuple):
    """A topic as ``describe_topic`` reports it."""

    name: str
    topic_id: str
    partitions: tuple[PartitionDescription, ...]
    replication_factor: int
    configs: dict[str, str]
    """Only the configs set on the topic (Kafka's "dynamic topic configs")."""


class ReplicaDescription(NamedTuple):
    """One replica of a partition: where its log ends and what it knows is committed.

    ``believes_leader`` is true for the leader, and for an old leader cut off from the
    controller that has not heard it was replaced.
    """

    broker: int
    is_leader: bool
    in_isr: bool
    log_start_offset: int
    log_end_offset: int
    high_watermark: int
    running: bool
    believes_leader: bool


class BrokerDescription(NamedTuple):
    """A broker's process and controller registration state."""

    broker_id: int
    running: bool
    fenced: bool
    isolated: bool
    broker_epoch: int
    leader_of: int
    """How many partitions it leads."""
