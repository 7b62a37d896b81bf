"""``AIOKafkaConsumer``: aiokafka's asyncio consumer API over the engine's consumer.

Code written for aiokafka runs unchanged against the engine::

    consumer = AIOKafkaConsumer("orders", cluster=cluster, group_id="billing",
                                auto_offset_reset="earliest")
    await consumer.start()
    async for record in consumer:
        ...

Every coroutine completes without real waiting: waiting is simulated time on the
cluster's clock (see :mod:`engine.consumer.consumer`). ``getone()`` and ``async for``
poll until a record arrives; as a notebook must not hang, they give up with
:class:`KafkaTimeoutError` after ``max_wait_ms`` (default one simulated hour) without
a record. ``stop()`` commits (if auto-commit is on), revokes, and leaves the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.consumer.consumer import Consumer
from engine.core.errors import ConsumerStoppedError, KafkaTimeoutError
from engine.core.records import ConsumerRecord, OffsetAndTimestamp, TopicPartition

if TYPE_CHECKING:
    from engine.core.cluster import Cluster


class AIOKafkaConsumer:
    """An aiokafka-shaped async consumer. Pass the engine cluster as ``cluster=``."""

    def __init__(self, *topics: str, cluster: Cluster, max_wait_ms: int = 3_600_000,
                 **config: Any) -> None:
        self._topics = topics
        self._consumer = Consumer(cluster, **config)
        self._max_wait_ms = max_wait_ms
        self._started = False
        self._buffer: list[ConsumerRecord] = []

    @property
    def sync(self) -> Consumer:
        """The engine consumer underneath (positions, member id, crash(), ...)."""
        return self._consumer

    def _check(self) -> Consumer:
        if self._consumer.closed:
            raise ConsumerStoppedError()
        return self._consumer

    async def start(self) -> None:
        """Subscribe to the topics given to the constructor (if any)."""
        if not self._started and self._topics:
            self._consumer.subscribe(list(self._topics))
        self._started = True

    async def stop(self) -> None:
        self._consumer.close()

    async def __aenter__(self) -> AIOKafkaConsumer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def subscribe(self, topics: Iterable[str] = (), pattern: str | None = None,
                  listener: Any = None) -> None:
        self._check().subscribe(topics, pattern=pattern, listener=listener)

    def unsubscribe(self) -> None:
        self._check().unsubscribe()

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        self._check().assign(partitions)

    def assignment(self) -> set[TopicPartition]:
        return self._consumer.assignment()

    def subscription(self) -> set[str]:
        return self._consumer.subscription()

    async def getmany(self, *partitions: TopicPartition, timeout_ms: int = 0,
                      max_records: int | None = None
                      ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Records fetched so far, waiting up to ``timeout_ms`` of simulated time.

        aiokafka fetches in background tasks, so a loop of ``getmany()`` with the default
        ``timeout_ms=0`` makes progress in real time between calls. Here nothing runs
        between calls, so a call that has nothing at once and may not wait lets one fetch
        round pass instead (up to ``fetch_max_wait_ms``, returning as soon as records
        arrive): such a loop joins its group and reads, as it would on Kafka.
        """
        consumer = self._check()
        batch = consumer.getmany(*partitions, timeout_ms=timeout_ms, max_records=max_records)
        if not batch and timeout_ms == 0:
            batch = consumer.getmany(*partitions, timeout_ms=consumer.config.fetch_max_wait_ms,
                                     max_records=max_records)
        return batch

    async def getone(self, *partitions: TopicPartition) -> ConsumerRecord:
        consumer = self._check()
        waited = 0
        while not self._buffer:
            step = min(1000, self._max_wait_ms - waited)
            if step <= 0:
                raise KafkaTimeoutError(
                    f"no record within {self._max_wait_ms} ms of simulated time")
            start = consumer._cluster.now_ms
            batch = consumer.getmany(*partitions, timeout_ms=step, max_records=1)
            waited += consumer._cluster.now_ms - start
            for records in batch.values():
                self._buffer.extend(records)
        return self._buffer.pop(0)

    def __aiter__(self) -> AIOKafkaConsumer:
        return self

    async def __anext__(self) -> ConsumerRecord:
        try:
            return await self.getone()
        except ConsumerStoppedError:
            raise StopAsyncIteration from None

    async def commit(self, offsets: Mapping[TopicPartition, Any] | None = None) -> None:
        self._check().commit(offsets)

    async def committed(self, partition: TopicPartition) -> int | None:
        return self._check().committed(partition)

    async def position(self, partition: TopicPartition) -> int:
        return self._check().position(partition)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self._check().seek(partition, offset)

    async def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        self._check().seek_to_beginning(*partitions)

    async def seek_to_end(self, *partitions: TopicPartition) -> None:
        self._check().seek_to_end(*partitions)

    async def seek_to_committed(self, *partitions: TopicPartition) -> None:
        self._check().seek_to_committed(*partitions)

    def pause(self, *partitions: TopicPartition) -> None:
        self._check().pause(*partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self._check().resume(*partitions)

    def paused(self) -> set[TopicPartition]:
        return self._consumer.paused()

    def highwater(self, partition: TopicPartition) -> int:
        return self._consumer.highwater(partition)

    async def topics(self) -> set[str]:
        return self._consumer.topics()

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self._consumer.partitions_for_topic(topic)

    async def beginning_offsets(self, partitions: Iterable[TopicPartition]
                                ) -> dict[TopicPartition, int]:
        return self._consumer.beginning_offsets(partitions)

    async def offsets_for_times(self, timestamps: Mapping[TopicPartition, int]
                                ) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        return self._consumer.offsets_for_times(timestamps)

    async def end_offsets(self, partitions: Iterable[TopicPartition]
                          ) -> dict[TopicPartition, int]:
        return self._consumer.end_offsets(partitions)
