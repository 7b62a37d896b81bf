"""``RecordAccumulator``: per-partition queues of batches waiting to be sent.

As in Kafka's Java client, each :class:`TopicPartition` has a deque of
:class:`ProducerBatch`; a record goes into the last batch of its partition if it fits in
``batch.size`` bytes, else into a new one. A batch is *ready* when it is full, when
``linger.ms`` has passed since it was made (on the cluster's simulated clock), while a
flush is under way, or - for a batch being retried - when its backoff is over or its
partition has a new leader (``leader_epoch``, Java's ``shouldBackoff``). Making a
batch arms a clock timer at ``created + linger.ms`` that calls ``on_deadline`` (the
sender), so any advance of the clock (a consumer's poll, ``cluster.advance``) sends it.

:meth:`RecordAccumulator.append_plain` is the same append for the common record (no
headers), with the sizes worked out from the record's body size at offset delta 0, which
the producer has computed once; ``full_count`` keeps how many queued batches are full and
not waiting to be retried, so "is a batch ready to go at once" costs nothing per record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from engine.core.clock import SimClock
from engine.core.log import Headers
from engine.core.records import TopicPartition
from engine.core.recordsize import length_size, varint_size
from engine.producer.batch import FutureRecordMetadata, ProducerBatch


class RecordAccumulator:
    """Collects records into batches per partition until the sender drains them."""

    def __init__(self, clock: SimClock, batch_size: int, linger_ms: int,
                 on_deadline: Callable[[], None], name: str = "producer",
                 leader_epoch: Callable[[TopicPartition], int] | None = None) -> None:
        self._clock = clock
        self._leader_epoch = leader_epoch
        """The partition's current leader epoch, when the sender can look it up."""
        self.batch_size = batch_size
        self.linger_ms = linger_ms
        self._on_deadline = on_deadline
        self._name = name
        self._batches: dict[TopicPartition, deque[ProducerBatch]] = {}
        self._flushing = 0
        self.full_count = 0
        """Queued batches that are full and not waiting for a retry (ready at once)."""

    def append(self, tp: TopicPartition, key: bytes | None, value: bytes | None,
               headers: Headers, timestamp: int,
               future: Any = None) -> tuple[FutureRecordMetadata, int]:
        """Add a record; return its future (``future`` if given) and the bytes it added
        to its batch."""
        dq = self._batches.setdefault(tp, deque())
        if dq and dq[-1].retry_at_ms is None:
            last = dq[-1]
            before = last.size_bytes
            was_full = last.full
            added = last.try_append(key, value, headers, timestamp, future)
            if added is not None:
                return added, last.size_bytes - before
            if not was_full:
                self.full_count += 1
        batch = self._new_batch(tp, dq)
        added = batch.try_append(key, value, headers, timestamp, future)
        assert added is not None
        return added, batch.size_bytes

    def append_plain(self, tp: TopicPartition, key: bytes | None, value: bytes | None,
                     body_size: int, timestamp: int, future: Any) -> None:
        """:meth:`append` for a record without headers whose ``DefaultRecord`` body takes
        ``body_size`` bytes at offset and timestamp delta 0 (the same sizes, less work)."""
        dq = self._batches.get(tp)
        if dq is None:
            dq = self._batches[tp] = deque()
        batch = None
        if dq:
            last = dq[-1]
            if last.retry_at_ms is None and not last.full:
                count = len(last.keys)
                delta = timestamp - last.timestamps[0]
                body = body_size
                if count >= 64:  # the offset delta's varint takes more than one byte
                    body += 1 if count < 8192 else length_size(count) - 1
                if not -64 <= delta < 64:  # so does the timestamp delta's
                    body += varint_size(delta) - 1
                size = body + (1 if body < 64 else 2 if body < 8192 else length_size(body))
                if last.size_bytes + size <= last.max_bytes:
                    batch = last
                else:
                    last.full = True
                    self.full_count += 1
        if batch is None:
            batch = self._new_batch(tp, dq)
            size = body_size + length_size(body_size)
        batch.append_sized(key, value, (), timestamp, future, size)

    def _new_batch(self, tp: TopicPartition, dq: deque[ProducerBatch]) -> ProducerBatch:
        batch = ProducerBatch(tp, self._clock.now_ms, self.batch_size)
        if self._leader_epoch is not None:  # the leader the producer knows of
            batch.leader_epoch = self._leader_epoch(tp)
        self._arm(batch, batch.linger_deadline(self.linger_ms))
        dq.append(batch)
        return batch

    def all_batches_full(self, tp: TopicPartition) -> bool:
        """``allBatchesFull``: the sticky partitioner may switch only then."""
        return all(b.full for b in self._batches.get(tp, ()))

    def has_full_batch(self) -> bool:
        """Whether a queued batch is full and not waiting for a retry."""
        return self.full_count > 0

    def in_queue(self) -> int:
        """How many batches wait in the queues."""
        return sum(map(len, self._batches.values()))

    def _arm(self, batch: ProducerBatch, due_ms: int) -> None:
        if batch.timer is not None:
            batch.timer.cancel()
        batch.timer = self._clock.call_at(due_ms, self._on_deadline,
                                          name=f"{self._name}-{batch.topic_partition}")

    def _ready(self, batch: ProducerBatch, now: int) -> bool:
        if batch.retry_at_ms is not None:
            return batch.retry_at_ms <= now or self._leader_changed(batch)
        return (batch.full or self._flushing > 0
                or batch.linger_deadline(self.linger_ms) <= now)

    def _leader_changed(self, batch: ProducerBatch) -> bool:
        """Whether the partition of a batch waiting to retry has a newer leader than at
        its last attempt (then it skips the rest of its backoff)."""
        return (self._leader_epoch is not None
                and self._leader_epoch(batch.topic_partition) > batch.leader_epoch)

    def drain(self, muted: set[TopicPartition] | None = None) -> list[ProducerBatch]:
        """Take every ready batch, partition by partition in the order they were first
        used, oldest first; a partition's later batches wait behind an unready one, and
        ``muted`` partitions (a request in flight) wait altogether."""
        now = self._clock.now_ms
        drained: list[ProducerBatch] = []
        for tp, dq in self._batches.items():
            if muted and tp in muted:
                continue
            while dq and self._ready(dq[0], now):
                batch = dq.popleft()
                if batch.full and batch.retry_at_ms is None:
                    self.full_count -= 1
                batch.full = True
                if batch.timer is not None:
                    batch.timer.cancel()
                    batch.timer = None
                drained.append(batch)
        return drained

    def reenqueue(self, batch: ProducerBatch, retry_at_ms: int) -> None:
        """Put a batch back at the head of its queue, to be sent again at ``retry_at_ms``."""
        batch.retry_at_ms = retry_at_ms
        self._batches.setdefault(batch.topic_partition, deque()).appendleft(batch)
        self._arm(batch, retry_at_ms)

    def leader_changed(self, tp: TopicPartition) -> None:
        """The partition has a new leader: a batch at the head of its queue that waits to
        retry is sent at the next clock tick instead of at the end of its backoff."""
        dq = self._batches.get(tp)
        if dq and dq[0].retry_at_ms is not None and self._leader_changed(dq[0]):
            self._arm(dq[0], self._clock.now_ms)

    def next_deadline(self, muted: set[TopicPartition] | None = None) -> int | None:
        """When the earliest queued batch becomes ready (``None`` if there is none);
        ``muted`` partitions are left out."""
        deadlines = [(self._clock.now_ms if self._leader_changed(b) else b.retry_at_ms)
                     if b.retry_at_ms is not None
                     else (self._clock.now_ms if b.full or self._flushing
                           else b.linger_deadline(self.linger_ms))
                     for tp, dq in self._batches.items() if not (muted and tp in muted)
                     for b in ([dq[0]] if dq else [])]
        return min(deadlines, default=None)

    def has_pending(self) -> bool:
        return any(self._batches.values())

    def pending_batches(self) -> list[ProducerBatch]:
        return [b for dq in self._batches.values() for b in dq]

    def begin_flush(self) -> None:
        self._flushing += 1

    def end_flush(self) -> None:
        self._flushing -= 1
