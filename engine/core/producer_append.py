"""Appending one batch a producer client built: per-record timestamps, headers, ``acks``.

A producer's accumulator has already chosen the partition and packed the records; this
module plays the broker's side of the produce request, on the same route as
``Cluster.produce_batch`` (:mod:`engine.core.delivery`): the leader is looked up (or
``LeaderNotAvailableError`` / ``KafkaConnectionError`` / ``NotLeaderOrFollowerError``),
``acks=all`` checks ``min.insync.replicas`` before the append (``NotEnoughReplicasError``,
nothing written), the batch is appended and the followers replicate.

Unlike ``produce_batch`` the ``acks=all`` wait does not run the clock: the append returns
a :class:`PendingAppend` and the producer asks :func:`acks_reached` whenever time has
moved. (The producer's sender runs inside clock timers, where running the clock again is
not allowed.) ``acks_reached`` raises ``NotEnoughReplicasAfterAppendError`` or
``NotLeaderOrFollowerError`` as ``Partition.checkEnoughReplicasReachOffset`` answers.

Each record keeps its own timestamp (a batch lingers, so its records were made at
different times). The broker validates each as ``LogValidator`` does and, for a topic with
``message.timestamp.type=LogAppendTime``, replaces them all with its clock; the segment
sees the batch's largest timestamp, as Kafka's ``maxTimestamp``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING

from engine.core.acks import ACKS_ALL
from engine.core.errors import UnknownTopicOrPartitionError
from engine.core.log import Headers
from engine.core.produce import check_batch_size, log_timestamp
from engine.core.records import RecordMetadata

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.core.configs import TopicConfig

_new_record_metadata = partial(tuple.__new__, RecordMetadata)


@dataclass
class PendingAppend:
    """A batch the leader appended; with ``acks=all`` it waits for the ISR."""

    topic: str
    partition: int
    base_offset: int
    """The first record's offset (-1 with ``acks=0``: the answer has no offsets)."""
    timestamps: list[int]
    """Each record's timestamp as the log stored it."""
    timestamp_type: int
    """0 ``CreateTime``, 1 ``LogAppendTime`` (the broker's clock replaced the timestamps)."""
    log_start_offset: int
    """The partition's log start offset when the leader answered (-1 with ``acks=0``)."""
    keys: list[bytes | None]
    values: list[bytes | None]
    acks: int
    wait: tuple[int, int, int] | None
    """``(partition, leader, end_offset)`` still to be acknowledged; None when done."""
    acknowledged: bool = False

    @property
    def results(self) -> list[RecordMetadata]:
        """One :class:`RecordMetadata` per record (offset -1 with ``acks=0``)."""
        count = len(self.timestamps)
        offsets = (range(self.base_offset, self.base_offset + count) if self.base_offset >= 0
                   else repeat(-1, count))
        return list(map(_new_record_metadata, zip(
            repeat(self.topic, count), repeat(self.partition, count), offsets,
            self.timestamps, strict=False)))


def _stamps(config: TopicConfig, timestamps: Sequence[int], now: int) -> list[int]:
    """The timestamps the log keeps (``log_timestamp`` of each, checked in one go when all
    are in range)."""
    if config.message_timestamp_type == "LogAppendTime":
        return [now] * len(timestamps)
    if timestamps and (max(timestamps) - now <= config.message_timestamp_after_max_ms
            and now - min(timestamps) <= config.message_timestamp_before_max_ms):
        return list(timestamps)
    return [log_timestamp(config, ts, now) for ts in timestamps]


def append_producer_batch(
    cluster: Cluster, topic: str, partition: int, keys: Sequence[bytes | None],
    values: Sequence[bytes | None], timestamps: Sequence[int],
    headers: Sequence[Headers], batch_bytes: int, acks: int,
) -> PendingAppend:
    """Append the batch to ``topic``-``partition`` as its leader; see the module text."""
    t = cluster._topic(topic)
    if not 0 <= partition < len(t.logs):
        raise UnknownTopicOrPartitionError()
    now = cluster.now_ms
    append_time = t.config.message_timestamp_type == "LogAppendTime"
    stamps = _stamps(t.config, timestamps, now)
    check_batch_size(t.config, batch_bytes)
    broker, log = cluster._delivery.leader_log(t, partition, None)
    multi = not t.partitions[partition].single
    if acks == ACKS_ALL and multi:
        cluster._delivery.check_min_isr(t, partition, broker)
    record_headers = list(headers) if any(headers) else None
    keys, values = list(keys), list(values)
    base = cluster._appender.append(t, log, keys, values, max(stamps), batch_bytes,
                                    record_headers, notify=False)
    start = base - log.log_start_offset
    log.timestamps[start:start + len(stamps)] = stamps
    wait = None
    if multi:
        cluster._delivery.after_append(t, partition, acks)
        if acks == ACKS_ALL:
            wait = (partition, broker, log.log_end_offset)
    pending = PendingAppend(topic, partition, base if acks else -1, stamps, int(append_time),
                            log.log_start_offset if acks else -1, keys, values, acks, wait)
    acks_reached(cluster, pending)
    return pending


def acks_reached(cluster: Cluster, pending: PendingAppend) -> bool:
    """Whether the append is acknowledged (raises the leader's error answer)."""
    if pending.acknowledged:
        return True
    if pending.wait is not None:
        if not cluster._delivery._done(cluster._topic(pending.topic), pending.wait):
            return False
        pending.wait = None
    pending.acknowledged = True
    if cluster._ack_histories and pending.acks:
        cluster._note_acks(pending.results, pending.keys, pending.values, pending.acks)
    return True
