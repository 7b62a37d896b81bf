"""``Sender``: takes ready batches from the accumulator to the cluster, and retries.

Each ready batch becomes one produce request (``Cluster.append_records``) to its
partition's leader with the producer's ``acks``. The answer completes every record's
future with a :class:`RecordMetadata` (offset, timestamp, ``timestamp_type``,
``log_start_offset``; offset -1 with ``acks=0``), or with an error:

* **retriable** (an error class whose ``retriable`` is true, as Kafka's
  ``RetriableException``: no leader, leader unreachable, ``NotLeaderOrFollower``, an
  unknown topic or partition, not enough in-sync replicas, request timed out): the batch
  goes back to the head of its queue and is tried again after an exponential backoff
  (:class:`~engine.producer.backoff.ExponentialBackoff`: ``retry.backoff.ms``, doubled per
  attempt up to ``retry.backoff.max.ms``, with 20% jitter from the producer's seeded
  random source, and never less than 1 ms of simulated time), or as soon as the sender
  sees that the partition has a new leader (a higher leader epoch than at the last
  attempt), as Java's ``RecordAccumulator.shouldBackoff``; once ``delivery.timeout.ms``
  has passed since the batch was made every record fails with
  ``KafkaTimeoutError("Expiring N record(s) for T-P:X ms has passed since batch
  creation")``, Kafka's text;
* anything else fails the batch's records at once.

An ``acks=all`` request whose records the ISR has not copied yet stays *in flight*: the
sender checks it again whenever the clock reaches the next timer (the ISR may shrink, a
follower may catch up) and gives ``RequestTimedOutError`` (retriable) after
``request.timeout.ms``. The clock is never run from inside the sender, which itself runs
in clock timers.

Simplifications, kept in one place so they can deepen later: one request per batch and
at most one in flight per partition (a *muted* partition, as Java's ordering guarantee
with ``max.in.flight.requests.per.connection=1``); an idempotent producer stamps producer
id, epoch and base sequence on a batch but the broker does not deduplicate a retried
batch that was already appended (``NotEnoughReplicasAfterAppend``, a timed-out request).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any

from engine.core.clock import Timer
from engine.core.errors import (
    KafkaTimeoutError,
    RequestTimedOutError,
    UnknownTopicOrPartitionError,
)
from engine.core.producer_append import PendingAppend
from engine.core.records import TopicPartition
from engine.producer.accumulator import RecordAccumulator
from engine.producer.backoff import (
    RETRY_BACKOFF_EXP_BASE,
    RETRY_BACKOFF_JITTER,
    ExponentialBackoff,
)
from engine.producer.batch import ProducerBatch
from engine.producer.config import ProducerConfig
from engine.producer.metadata import RecordMetadata

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

_new_metadata = partial(tuple.__new__, RecordMetadata)

MIN_RETRY_WAIT_MS = 1
"""A retry waits at least this long, so simulated time moves even with no backoff."""


def retry_backoff(config: ProducerConfig, seed: str) -> ExponentialBackoff:
    """The producer's retry backoff, its jitter drawn from ``random.Random(seed)``."""
    return ExponentialBackoff(config.retry_backoff_ms, RETRY_BACKOFF_EXP_BASE,
                              config.retry_backoff_max_ms, RETRY_BACKOFF_JITTER,
                              random.Random(f"{seed}/retry-backoff"))


def is_retriable(error: BaseException) -> bool:
    """Whether a produce error is worth a retry (Kafka's ``RetriableException``)."""
    return bool(getattr(error, "retriable", False))


def expired_error(batch: ProducerBatch, now_ms: int) -> KafkaTimeoutError:
    """Kafka's ``ProducerBatch`` expiry text."""
    tp = batch.topic_partition
    return KafkaTimeoutError(
        f"Expiring {batch.record_count} record(s) for {tp.topic}-{tp.partition}:"
        f"{now_ms - batch.created_ms} ms has passed since batch creation")


@dataclass
class InFlightRequest:
    """A produce request the leader appended and that waits for its ``acks``."""

    batch: ProducerBatch
    pending: PendingAppend
    deadline_ms: int
    """``request.timeout.ms`` after it was sent."""


class Sender:
    """Sends drained batches, follows requests in flight and completes their futures."""

    def __init__(self, cluster: Cluster, config: ProducerConfig,
                 accumulator: RecordAccumulator,
                 record: Callable[[str, Mapping[str, Any]], None],
                 producer_id: int = -1, backoff: ExponentialBackoff | None = None) -> None:
        self._cluster = cluster
        self._config = config
        self._accumulator = accumulator
        self._record = record
        self._producer_id = producer_id
        self._sequences: dict[TopicPartition, int] = {}
        self._in_flight: dict[TopicPartition, InFlightRequest] = {}
        self._check_timer: Timer | None = None
        self._running = False
        self._backoff = backoff or retry_backoff(config, f"{cluster.seed}/{config.client_id}")

    def leader_epoch(self, tp: TopicPartition) -> int:
        """The partition's current leader epoch (-1 for an unknown partition)."""
        topic = self._cluster._topics.get(tp.topic)
        if topic is None or not 0 <= tp.partition < len(topic.partitions):
            return -1
        return topic.partitions[tp.partition].leader_epoch

    @property
    def in_flight(self) -> list[InFlightRequest]:
        return list(self._in_flight.values())

    def next_deadline(self) -> int | None:
        """When the sender next has something to do (``None``: nothing queued)."""
        times = [self._accumulator.next_deadline(muted=set(self._in_flight))]
        if self._check_timer is not None and self._in_flight:
            times.append(self._check_timer.due_ms)
        return min((t for t in times if t is not None), default=None)

    def run_once(self) -> int:
        """Check requests in flight, then send every ready batch; return how many
        batches got their final answer."""
        if self._running:
            return 0
        self._running = True
        try:
            done = 0
            for tp, request in list(self._in_flight.items()):
                done += self._check(tp, request)
            for batch in self._accumulator.drain(muted=set(self._in_flight)):
                done += self._send(batch)
            self._arm_check()
            return done
        finally:
            self._running = False

    def _arm_check(self) -> None:
        if self._check_timer is not None:
            self._check_timer.cancel()
            self._check_timer = None
        if not self._in_flight:
            return
        clock = self._cluster.clock
        due = min(r.deadline_ms for r in self._in_flight.values())
        others = clock.pending()
        if others:
            due = min(due, others[0].due_ms)
        self._check_timer = clock.call_at(due, self.run_once,
                                          name=f"{self._config.client_id}-acks")

    def _stamp(self, batch: ProducerBatch) -> None:
        if self._producer_id < 0 or batch.base_sequence >= 0:
            return
        tp = batch.topic_partition
        batch.producer_id, batch.producer_epoch = self._producer_id, 0
        batch.base_sequence = self._sequences.get(tp, 0)
        self._sequences[tp] = batch.base_sequence + batch.record_count

    def _send(self, batch: ProducerBatch) -> int:
        now = self._cluster.now_ms
        tp = batch.topic_partition
        if now - batch.created_ms >= self._config.delivery_timeout_ms:
            self._fail(batch, expired_error(batch, now))
            return 1
        self._stamp(batch)
        batch.leader_epoch = max(batch.leader_epoch, self.leader_epoch(tp))
        batch.attempts += 1
        batch.retry_at_ms = None
        try:
            pending = self._cluster.append_records(
                tp.topic, tp.partition, batch.keys, batch.values, batch.timestamps,
                batch.headers, batch_bytes=batch.size_bytes, acks=self._config.acks)
            acknowledged = self._cluster.acks_reached(pending)
        except Exception as error:
            return self._error(batch, error)
        if acknowledged:
            self._complete(batch, pending)
            return 1
        self._in_flight[tp] = InFlightRequest(
            batch, pending, min(now + self._config.request_timeout_ms,
                                batch.created_ms + self._config.delivery_timeout_ms))
        return 0

    def _check(self, tp: TopicPartition, request: InFlightRequest) -> int:
        try:
            if self._cluster.acks_reached(request.pending):
                del self._in_flight[tp]
                self._complete(request.batch, request.pending)
                return 1
            now = self._cluster.now_ms
            if now < request.deadline_ms:
                return 0
            error: Exception = RequestTimedOutError()
            if now - request.batch.created_ms >= self._config.delivery_timeout_ms:
                error = expired_error(request.batch, now)
        except Exception as raised:
            error = raised
        del self._in_flight[tp]
        return self._error(request.batch, error)

    def _error(self, batch: ProducerBatch, error: Exception) -> int:
        tp = batch.topic_partition
        if not is_retriable(error):  # the broker refused the batch for good
            self._fail(batch, error)
            return 1
        if isinstance(error, UnknownTopicOrPartitionError):
            self._refresh_metadata(tp.topic)
        deadline = batch.created_ms + self._config.delivery_timeout_ms
        if self._cluster.now_ms >= deadline:
            self._fail(batch, expired_error(batch, self._cluster.now_ms))
            return 1
        wait = max(self._backoff.backoff(batch.attempts - 1), MIN_RETRY_WAIT_MS)
        retry_at = min(self._cluster.now_ms + wait, deadline)
        self._record("send_retried", {
            "topic": tp.topic, "partition": tp.partition, "count": batch.record_count,
            "attempt": batch.attempts, "error": type(error).__name__,
            "retry_at_ms": retry_at})
        self._accumulator.reenqueue(batch, retry_at)
        return 0

    def _refresh_metadata(self, topic: str) -> None:
        """The metadata request a producer makes after ``UnknownTopicOrPartition``: a
        broker with ``auto.create.topics.enable=true`` creates a missing topic."""
        cluster = self._cluster
        if (not cluster.has_topic(topic)
                and cluster.broker_config("auto.create.topics.enable") == "true"):
            cluster.create_topic(topic)

    def _complete(self, batch: ProducerBatch, pending: PendingAppend) -> None:
        tp = batch.topic_partition
        count = batch.record_count
        base = pending.base_offset
        offsets = range(base, base + count) if base >= 0 else repeat(-1, count)
        results = list(map(_new_metadata, zip(
            repeat(tp.topic, count), repeat(tp.partition, count), repeat(tp, count), offsets,
            pending.timestamps, repeat(pending.timestamp_type, count),
            repeat(pending.log_start_offset, count), strict=True)))
        self._record("batch_sent", {
            "topic": tp.topic, "partition": tp.partition,
            "base_offset": results[0].offset, "count": count,
            "acks": "all" if self._config.acks == -1 else self._config.acks,
            "attempt": batch.attempts, "producer_id": batch.producer_id,
            "base_sequence": batch.base_sequence})
        for future, metadata in zip(batch.futures, results, strict=True):
            if not future.done():  # an asyncio future the caller cancelled
                future.set_result(metadata)

    def _fail(self, batch: ProducerBatch, error: Exception) -> None:
        tp = batch.topic_partition
        self._record("send_failed", {
            "topic": tp.topic, "partition": tp.partition, "count": batch.record_count,
            "attempts": batch.attempts, "error": type(error).__name__,
            "message": getattr(error, "message", str(error))})
        for future in batch.futures:
            if not future.done():
                future.set_exception(error)
