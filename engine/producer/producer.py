"""``Producer``: the engine's synchronous producer client (aiokafka's keywords).

``send()`` serializes the key and value, picks the partition
(:mod:`engine.producer.partitioning`), appends to the :class:`RecordAccumulator` and
returns a :class:`FutureRecordMetadata`; nothing is sent and the clock does not move.
Batches go out when full (at once), when their ``linger.ms`` timer fires on the
cluster's simulated clock (any ``cluster.advance`` or consumer poll), or on
``flush()``, which sends everything and, if a batch must be retried, moves the clock
until every record has its answer. ``close()`` flushes first.

:meth:`Producer.send_plain` is ``send()`` for the common record - bytes key, bytes or no
value, no headers, timestamp or partition, no serializers or custom partitioner, to a
topic that exists - with the same result and journal but less work per record: the
topic's partitions are remembered (and checked against the cluster's topic each time),
and the record's size is computed once.

Journal events (each with ``client_id``):

=================== ==========================================================
``producer_created`` ``acks``, ``linger_ms``, ``batch_size``, ``enable_idempotence``,
                     ``producer_id`` (-1 when not idempotent)
``batch_sent``       ``topic``, ``partition``, ``base_offset``, ``count``, ``acks``,
                     ``attempt``, ``producer_id``, ``base_sequence``
``send_retried``     ``topic``, ``partition``, ``count``, ``attempt``, ``error``,
                     ``retry_at_ms``
``send_failed``      ``topic``, ``partition``, ``count``, ``attempts``, ``error``,
                     ``message``
``producer_closed``  (no more fields)
=================== ==========================================================
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.core.errors import IllegalStateError, KafkaTimeoutError, MessageSizeTooLargeError
from engine.core.log import Headers
from engine.core.partitioner import positive_hash
from engine.core.produce import check_timestamp
from engine.core.records import TopicPartition
from engine.core.recordsize import (
    RECORD_BODY_FIXED,
    SIZE_BOUND_EXTRA,
    length_size,
    record_body_size,
    size_upper_bound,
)
from engine.producer.accumulator import RecordAccumulator
from engine.producer.batch import FutureRecordMetadata
from engine.producer.config import ProducerConfig, build_config
from engine.producer.partitioning import ProducerPartitioner
from engine.producer.sender import Sender

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.journal.journal import Event

_KEYS_REMEMBERED = 65536
"""How many keys' partitions :meth:`Producer.send_plain` keeps per topic ..."""
_KEY_BYTES_REMEMBERED = 256
"""... of keys up to this size (longer keys are hashed each time)."""

CLOSED = "Cannot perform operation after producer has been closed"

_sequences: weakref.WeakKeyDictionary[Cluster, itertools.count[int]] = (
    weakref.WeakKeyDictionary())
"""Per cluster, the N of the default ``client_id`` ``producer-N`` (Java's is per JVM)."""


def _to_bytes(data: object, what: str) -> bytes | None:
    if data is None or type(data) is bytes:
        return data  # type: ignore[return-value]
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(
        f"the {what} must be bytes or None, not {type(data).__name__}: pass "
        f"{what}_serializer=... to the producer, or encode it (for example "
        f"str({what}).encode())")


def check_headers(headers: Iterable[Any]) -> Headers:
    """Headers as aiokafka's record builder takes them: ``(str, bytes | None)`` pairs, and
    its ``TypeError`` otherwise (a ``str`` value is not encoded for you)."""
    checked = []
    for item in headers:
        if not isinstance(item, tuple):
            raise TypeError(f"Expected tuple, got {type(item).__name__}")
        name, value = item
        if type(name) is not str:
            raise TypeError(f"Expected str, got {type(name).__name__}")
        if value is not None and type(value) is not bytes:
            raise TypeError(f"Expected bytes, got {type(value).__name__}")
        checked.append((name, value))
    return tuple(checked)


class Producer:
    """A producer client on an engine cluster: ``Producer(cluster, acks="all", ...)``."""

    def __init__(self, cluster: Cluster, **config: Any) -> None:
        counter = _sequences.setdefault(cluster, itertools.count(1))
        self.config: ProducerConfig = build_config(config, lambda: next(counter))
        self._cluster = cluster
        self.producer_id = cluster.init_producer_id() if self.config.enable_idempotence else -1
        self._accumulator = RecordAccumulator(
            cluster.clock, self.config.max_batch_size, self.config.linger_ms,
            self._on_deadline, name=self.config.client_id, leader_epoch=self._leader_epoch)
        self._sender = Sender(cluster, self.config, self._accumulator, self._record,
                              self.producer_id)
        self._unsubscribe = cluster.journal.subscribe(self._on_event)
        self._partitioner = ProducerPartitioner(
            f"{cluster.seed}/{self.config.client_id}", self.config.max_batch_size,
            self.config.partitioner)
        self._closed = False
        self._clock = cluster.clock
        self._cluster_topics = cluster._topics
        self._max_plain_body = self.config.max_request_size - SIZE_BOUND_EXTRA
        """The largest record body (delta 0) that passes :meth:`_check_size`."""
        self._topics: dict[str, tuple[object, int, list[TopicPartition],
                                      dict[bytes, tuple[TopicPartition, int]]]] = {}
        """Per topic: the cluster's topic object, its partition count, its partitions, and
        for each key seen its partition and the bytes a record body takes without the
        value (for :meth:`send_plain`)."""
        self.plain = (self.config.key_serializer is None and self.config.value_serializer
                      is None and self.config.partitioner is None)
        """Whether :meth:`send_plain` may be used (no serializers, no custom partitioner)."""
        self._record("producer_created", {
            "acks": "all" if self.config.acks == -1 else self.config.acks,
            "linger_ms": self.config.linger_ms, "batch_size": self.config.max_batch_size,
            "enable_idempotence": self.config.enable_idempotence,
            "producer_id": self.producer_id})

    # -------------------------------------------------------------- helpers
    def _record(self, kind: str, data: Mapping[str, Any]) -> None:
        self._cluster.journal.record(self._cluster.now_ms, kind,
                                     {"client_id": self.config.client_id, **data})

    def _leader_epoch(self, tp: TopicPartition) -> int:
        return self._sender.leader_epoch(tp)

    def _on_event(self, event: Event) -> None:
        """Learn of a partition's new leader at once (the metadata refresh that brings
        the news in Java is not modelled), so a batch waiting to retry skips its wait."""
        if event.kind == "leader_elected":
            data = event.data
            self._accumulator.leader_changed(TopicPartition(data["topic"], data["partition"]))

    def _on_deadline(self) -> None:
        self._sender.run_once()

    @property
    def closed(self) -> bool:
        return self._closed

    def partitions_for(self, topic: str) -> set[int]:
        """The topic's partition numbers (creating it if the broker auto-creates topics)."""
        self._ensure_topic(topic)
        return set(range(self._cluster.num_partitions(topic)))

    def _ensure_topic(self, topic: str) -> None:
        if self._cluster.has_topic(topic):
            return
        if not isinstance(topic, str):
            raise TypeError(f"topic must be a str, got {type(topic).__name__}")
        if self._cluster.broker_config("auto.create.topics.enable") != "true":
            raise KafkaTimeoutError(f"Topic {topic} not present in metadata after 60000 ms.")
        self._cluster.create_topic(topic)

    def _check_size(self, key: bytes | None, value: bytes | None, headers: Any) -> None:
        estimate = size_upper_bound(record_body_size(key, value, headers))
        if estimate > self.config.max_request_size:
            raise MessageSizeTooLargeError(
                f"The message is {estimate} bytes when serialized which is larger than "
                f"{self.config.max_request_size}, which is the value of the "
                "max.request.size configuration.")

    # ----------------------------------------------------------------- API
    def send(
        self, topic: str, value: Any = None, key: Any = None, partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: Iterable[tuple[str, bytes | None]] | None = None, *, future: Any = None,
    ) -> FutureRecordMetadata:
        """Queue one record; its future completes when the batch is acknowledged (a new
        :class:`FutureRecordMetadata`, or ``future``: anything with ``done()``,
        ``set_result()`` and ``set_exception()``, such as an ``asyncio.Future``). Headers
        are ``(str, bytes | None)`` pairs, checked as aiokafka does (a ``str`` value is a
        ``TypeError``, not encoded)."""
        if self._closed:
            raise IllegalStateError(CLOSED)
        cfg = self.config
        key_b = _to_bytes(cfg.key_serializer(key) if cfg.key_serializer else key, "key")
        value_b = _to_bytes(cfg.value_serializer(value) if cfg.value_serializer else value,
                            "value")
        record_headers = () if headers is None else check_headers(headers)
        timestamp = self._cluster.now_ms if timestamp_ms is None else check_timestamp(
            timestamp_ms)
        self._check_size(key_b, value_b, record_headers)
        self._ensure_topic(topic)
        n = self._cluster.num_partitions(topic)
        leaders = [p for p in range(n) if self._cluster.partition_leader(topic, p) is not None]
        available = None if len(leaders) == n else leaders
        p = self._partitioner.partition(topic, key_b, partition, n, available)
        tp = TopicPartition(topic, p)
        future, appended = self._accumulator.append(tp, key_b, value_b, record_headers,
                                                    timestamp, future)
        if self._partitioner.uses_sticky(key_b, partition):
            self._partitioner.sticky(topic).update(
                appended, n, self._accumulator.all_batches_full(tp), available)
        if self._accumulator.has_full_batch():
            self._sender.run_once()
        return future

    def send_plain(self, topic: str, key: bytes, value: bytes | None, future: Any) -> bool:
        """Queue a record with a ``bytes`` key the common way, as :meth:`send` would;
        ``False`` (nothing done) when it is not the common case and :meth:`send` must take
        it. Each key's partition is remembered per topic (until the topic changes)."""
        t = self._cluster_topics.get(topic)
        known = self._topics.get(topic)
        if known is None or known[0] is not t or known[1] != len(t.logs) or self._closed:
            if self._closed or t is None:
                return False
            n = len(t.logs)
            known = self._topics[topic] = (
                t, n, [TopicPartition(topic, p) for p in range(n)], {})
        by_key = known[3]
        entry = by_key.get(key)
        if entry is None:
            size = len(key)
            entry = (known[2][positive_hash(key) % known[1]],
                     RECORD_BODY_FIXED + size + length_size(size) + 1)  # + 0 headers
            if size <= _KEY_BYTES_REMEMBERED:
                if len(by_key) >= _KEYS_REMEMBERED:
                    by_key.clear()
                by_key[key] = entry
        tp, body = entry  # body: the record's v2 body size so far (attributes, deltas, key)
        if value is None:
            body += 1
        else:
            size = len(value)
            body += size + (1 if size < 64 else 2 if size < 8192 else length_size(size))
        if body > self._max_plain_body:  # as _check_size
            return False
        accumulator = self._accumulator
        accumulator.append_plain(tp, key, value, body, self._clock.now_ms, future)
        if accumulator.full_count:
            self._sender.run_once()
        return True

    def pending_deadline(self) -> int | None:
        """When the next queued batch is due to be sent (``None``: nothing queued)."""
        return self._sender.next_deadline()

    def run_sender(self) -> int:
        """Send every batch that is ready now (what the sender thread does)."""
        return self._sender.run_once()

    def flush(self) -> None:
        """Send every queued record and wait (on the simulated clock) for all answers."""
        self._accumulator.begin_flush()
        try:
            while True:
                self._sender.run_once()
                deadline = self._sender.next_deadline()
                if deadline is None:
                    return
                self._cluster.advance(max(deadline - self._cluster.now_ms, 0))
        finally:
            self._accumulator.end_flush()

    def close(self) -> None:
        """Flush, then refuse further sends. Closing twice is harmless."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._unsubscribe()
        self._record("producer_closed", {})
