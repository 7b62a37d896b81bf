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
    """One partition as ``describe_topic`` reports it: placement and log offsets."""

    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    log_start_offset: int
    high_watermark: int
    log_end_offset: int


class TopicDescription(NamedTuple):
    """A topic as ``describe_topic`` reports it."""

    name: str
    topic_id: str
    partitions: tuple[PartitionDescription, ...]
    replication_factor: int
    configs: dict[str, str]
    """Only the configs set on the topic (Kafka's "dynamic topic configs")."""
