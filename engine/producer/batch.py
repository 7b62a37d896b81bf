"""``ProducerBatch``: the records a producer collects for one partition, and their futures.

A batch holds records until it is full (``batch.size`` bytes, counted in Kafka's v2
record format with :mod:`engine.core.recordsize`) or ``linger.ms`` has passed. Each
record gets a :class:`FutureRecordMetadata` that the sender completes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.core.clock import Timer
from engine.core.log import Headers
from engine.core.records import TopicPartition
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_size
from engine.producer.metadata import RecordMetadata


class FutureRecordMetadata:
    """The result of one send: a :class:`RecordMetadata` or an exception, set once."""

    def __init__(self) -> None:
        self._value: RecordMetadata | None = None
        self._error: BaseException | None = None
        self._done = False
        self._callbacks: list[Callable[[FutureRecordMetadata], None]] = []

    def done(self) -> bool:
        return self._done

    def result(self) -> RecordMetadata:
        """The metadata; raises the send's error, or ``RuntimeError`` while pending."""
        if not self._done:
            raise RuntimeError("the record has not been sent yet: flush() the producer")
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def exception(self) -> BaseException | None:
        return self._error

    def add_callback(self, callback: Callable[[FutureRecordMetadata], None]) -> None:
        """Call ``callback(future)`` when done (at once if it already is)."""
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def set_result(self, value: RecordMetadata) -> None:
        self._finish(value, None)

    def set_exception(self, error: BaseException) -> None:
        self._finish(None, error)

    def _finish(self, value: RecordMetadata | None, error: BaseException | None) -> None:
        if self._done:
            raise RuntimeError("a send's result is set only once")
        self._value, self._error, self._done = value, error, True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)


@dataclass(slots=True)
class ProducerBatch:
    """Records for one partition, in send order, with Kafka's batch bookkeeping.

    ``producer_id``/``producer_epoch``/``base_sequence`` are set when an idempotent
    producer drains the batch (-1 otherwise); the broker does not deduplicate yet.
    """

    topic_partition: TopicPartition
    created_ms: int
    max_bytes: int
    keys: list[bytes | None] = field(default_factory=list)
    values: list[bytes | None] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    headers: list[Headers] = field(default_factory=list)
    futures: list[Any] = field(default_factory=list)
    """One per record: a :class:`FutureRecordMetadata`, or the ``asyncio.Future`` the
    asyncio producer handed in (the sender completes either kind)."""
    size_bytes: int = RECORD_BATCH_OVERHEAD
    full: bool = False
    """No more records fit (or the batch was handed over whole)."""
    attempts: int = 0
    retry_at_ms: int | None = None
    """When a batch that failed may be sent again (``None``: not waiting for a retry)."""
    leader_epoch: int = -1
    """The partition's leader epoch at the last attempt (a newer leader ends the wait)."""
    producer_id: int = -1
    producer_epoch: int = -1
    base_sequence: int = -1
    timer: Timer | None = None

    @property
    def record_count(self) -> int:
        return len(self.keys)

    def record_size(self, key: bytes | None, value: bytes | None, headers: Headers,
                    timestamp: int) -> int:
        """The bytes the record would take as the next one in this batch."""
        delta = timestamp - self.timestamps[0] if self.timestamps else 0
        return record_size(key, value, headers, self.record_count, delta)

    def try_append(self, key: bytes | None, value: bytes | None, headers: Headers,
                   timestamp: int, future: Any = None) -> Any:
        """Append if it fits (the first record always does) and return its future (a new
        :class:`FutureRecordMetadata` unless ``future`` is given); ``None`` marks it full."""
        if self.full:
            return None
        size = self.record_size(key, value, headers, timestamp)
        if self.keys and self.size_bytes + size > self.max_bytes:
            self.full = True
            return None
        if future is None:
            future = FutureRecordMetadata()
        self.append_sized(key, value, headers, timestamp, future, size)
        return future

    def append_sized(self, key: bytes | None, value: bytes | None, headers: Headers,
                     timestamp: int, future: Any, size: int) -> None:
        """Append a record whose size in this batch (``size`` bytes) the caller has
        worked out and checked against ``max_bytes``."""
        self.keys.append(key)
        self.values.append(value)
        self.timestamps.append(timestamp)
        self.headers.append(headers)
        self.futures.append(future)
        self.size_bytes += size

    def linger_deadline(self, linger_ms: int) -> int:
        return self.created_ms + linger_ms
