"""``AIOKafkaProducer``: aiokafka's asyncio producer API over the engine's producer.

Code written for aiokafka runs unchanged against the engine::

    producer = AIOKafkaProducer(cluster=cluster, acks="all")
    await producer.start()
    fut = await producer.send("orders", b"paid", key=b"o-1")   # queued, clock unchanged
    metadata = await fut                                       # linger.ms of simulated time
    await producer.stop()

**How simulated time moves.** ``await send()`` queues the record and returns an
``asyncio.Future`` at once. A batch goes out when it is full, on ``flush()``, when its
``linger.ms`` timer fires (any advance of the cluster's clock), or when someone waits: a
sender task, started by ``start()``, runs whenever the event loop gets control while
records are queued and moves the cluster's clock to the earliest batch deadline. So
``await fut`` and ``send_and_wait()`` take ``linger.ms`` (5 ms) of simulated time, and a
loop of ``await send()`` that does not wait batches its records as Kafka does.
``flush()``, ``send_and_wait()`` and ``stop()`` let done-callbacks run before they
return, so their output lands in the same notebook cell. Callbacks run batch by batch,
in the order the sender sent the batches: in send order for the records of one
partition, but not across partitions (a full batch goes out before an older batch of
another partition that is still lingering), as with Kafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from engine.core.errors import MessageSizeTooLargeError
from engine.core.recordsize import RECORD_BATCH_OVERHEAD, record_size
from engine.producer.batch import FutureRecordMetadata
from engine.producer.errors import ProducerClosed, ProducerNotStartedError
from engine.producer.metadata import RecordMetadata
from engine.producer.producer import Producer, check_headers

if TYPE_CHECKING:
    from engine.core.cluster import Cluster


def _ignore(_: object) -> None:
    """Nothing noted (no one asked the producer to note its sends)."""


async def _let_callbacks_run() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


class BatchBuilder:
    """aiokafka's ``BatchBuilder``: records for one ``send_batch`` call."""

    def __init__(self, max_bytes: int, key_serializer: Any, value_serializer: Any) -> None:
        self._max_bytes = max_bytes
        self._key_serializer = key_serializer
        self._value_serializer = value_serializer
        self.records: list[tuple[bytes | None, bytes | None, int | None, Any]] = []
        self._size = RECORD_BATCH_OVERHEAD
        self._closed = False

    def append(self, *, timestamp: int | None, key: Any, value: Any,
               headers: Iterable[tuple[str, bytes]] | None = ()) -> object | None:
        """Add a record; ``None`` when the batch is full, which closes it, or already
        closed (as aiokafka)."""
        if self._closed:
            return None
        k = self._key_serializer(key) if self._key_serializer else key
        v = self._value_serializer(value) if self._value_serializer else value
        h = check_headers(headers or ())
        size = record_size(k, v, h, len(self.records))
        if self.records and self._size + size > self._max_bytes:
            self.close()
            return None
        self.records.append((k, v, timestamp, h))
        self._size += size
        return object()

    def record_count(self) -> int:
        return len(self.records)

    def size(self) -> int:
        return self._size

    def close(self) -> None:
        """Refuse further records (aiokafka also compresses here)."""
        self._closed = True

    def closed(self) -> bool:
        """Whether the batch takes no more records."""
        return self._closed


class AIOKafkaProducer:
    """An aiokafka-shaped async producer. Pass the engine cluster as ``cluster=``."""

    _loop: asyncio.AbstractEventLoop
    """The event loop ``start()`` ran in (where the futures live)."""
    _new_future: Callable[[], asyncio.Future[Any]]

    def __init__(self, *, cluster: Cluster, **config: Any) -> None:
        self._producer = Producer(cluster, **config)
        self._cluster = cluster
        self._started = False
        self._closed = False
        self._sending = False
        """Started and not stopped (what ``send()`` checks first)."""
        self._plain = self._producer.plain
        self._send_plain = self._producer.send_plain
        self._idle: asyncio.Future[None] | None = None
        """What the sender task awaits while no record is queued."""
        self._task: asyncio.Task[None] | None = None
        self._note_key: Callable[[Any], None] | None = None
        self._note_future: Callable[[asyncio.Future[RecordMetadata]], None] = _ignore

    @property
    def sync(self) -> Producer:
        """The engine producer underneath (config, producer id, pending batches)."""
        return self._producer

    @property
    def client_id(self) -> str:
        return self._producer.config.client_id

    async def start(self) -> None:
        """Start the sender task (no network: the cluster is in this process)."""
        if self._closed:
            raise ProducerClosed()
        if self._started:
            return
        self._started = True
        self._loop = asyncio.get_running_loop()
        self._new_future = self._loop.create_future
        if type(self._loop).create_future is asyncio.BaseEventLoop.create_future:
            # the same future, without the Python-level create_future call
            self._new_future = functools.partial(asyncio.Future, loop=self._loop)
        self._sending = True
        self._idle = self._loop.create_future()
        self._task = self._loop.create_task(self._run_sender())

    async def _run_sender(self) -> None:
        while True:
            idle = self._idle
            if idle is not None:  # None: a send woke it before it got to wait
                await idle
            while (deadline := self._producer.pending_deadline()) is not None:
                now = self._cluster.now_ms
                self._cluster.advance(max(deadline - now, 0))
                self._producer.run_sender()
                await asyncio.sleep(0)
            self._idle = self._loop.create_future()

    def _wake_sender(self) -> None:
        """Wake the sender task if it waits for records (one check when it does not)."""
        idle = self._idle
        if idle is not None:
            self._idle = None
            if not idle.done():
                idle.set_result(None)

    def _check(self) -> Producer:
        if self._closed:
            raise ProducerClosed()
        if not self._started:
            raise ProducerNotStartedError()
        return self._producer

    async def send(
        self, topic: str, value: Any = None, key: Any = None, partition: int | None = None,
        timestamp_ms: int | None = None, headers: Iterable[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[RecordMetadata]:
        """Queue a record; the returned future completes when it is acknowledged."""
        assert not (value is None and key is None), "Need at least one: key or value"
        if not self._sending:
            self._check()
        fut: asyncio.Future[RecordMetadata] = self._new_future()
        if not (partition is None and timestamp_ms is None and headers is None
                and type(key) is bytes and type(topic) is str
                and (value is None or type(value) is bytes) and self._plain
                and self._send_plain(topic, key, value, fut)):
            self._producer.send(topic, value, key, partition, timestamp_ms, headers,
                                future=fut)
        if self._note_key is not None:
            self._note_key(key)
            self._note_future(fut)
        if self._idle is not None and not fut.done():
            self._wake_sender()
        return fut

    def note_sends_into(self, keys: list[Any],
                        futures: list[asyncio.Future[RecordMetadata]]) -> None:
        """From now on append each ``send()``'s key (as given, before any serializer) to
        ``keys`` and its future to ``futures``; the reader looks at the futures when it
        needs the results, so a send costs no extra callback."""
        self._note_key = keys.append
        self._note_future = futures.append

    def _batch_future(self, first: FutureRecordMetadata) -> asyncio.Future[Any]:
        """The future of a whole ``send_batch``, completed when its first record is, as
        aiokafka's: the batch's base offset, the broker's timestamp (-1 for
        ``CreateTime``, the append time for ``LogAppendTime``) and ``None`` with
        ``acks=0``."""
        fut: asyncio.Future[Any] = self._loop.create_future()
        no_acks = self._producer.config.acks == 0

        def complete(done: FutureRecordMetadata) -> None:
            if fut.cancelled():
                return
            error = done.exception()
            if error is not None:
                fut.set_exception(error)
                return
            record = done.result()
            fut.set_result(None if no_acks else record._replace(
                timestamp=record.timestamp if record.timestamp_type else -1))

        first.add_callback(complete)
        if not first.done():
            self._wake_sender()
        return fut

    async def send_and_wait(
        self, topic: str, value: Any = None, key: Any = None, partition: int | None = None,
        timestamp_ms: int | None = None, headers: Iterable[tuple[str, bytes]] | None = None,
    ) -> RecordMetadata:
        """Send and wait for the answer (``linger.ms`` of simulated time)."""
        fut = await self.send(topic, value, key, partition, timestamp_ms, headers)
        try:
            return await fut
        finally:
            await _let_callbacks_run()

    async def flush(self) -> None:
        """Send everything queued and wait for every answer."""
        if self._closed:
            return
        self._producer.flush()
        await _let_callbacks_run()

    async def stop(self) -> None:
        """Flush, then stop; sends afterwards raise ``ProducerClosed``."""
        if self._closed:
            return
        self._closed = True
        self._sending = False
        self._producer.close()
        await _let_callbacks_run()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._idle = None

    async def partitions_for(self, topic: str) -> set[int]:
        """The topic's partition numbers."""
        return self._check().partitions_for(topic)

    def create_batch(self) -> BatchBuilder:
        """An empty batch to fill with ``append()`` and pass to ``send_batch()``."""
        cfg = self._producer.config
        return BatchBuilder(cfg.max_batch_size, cfg.key_serializer, cfg.value_serializer)

    async def send_batch(self, batch: BatchBuilder, topic: str, *,
                         partition: int) -> asyncio.Future[RecordMetadata | None]:
        """Send a filled batch to ``partition``; its future gives the batch's metadata
        (see :meth:`_batch_future`)."""
        producer = self._check()
        if batch.size() > producer.config.max_request_size:
            raise MessageSizeTooLargeError()
        futures = [producer.send(topic, v, k, partition, ts, h)
                   for k, v, ts, h in batch.records]
        if not futures:
            raise ValueError("the batch has no records")
        return self._batch_future(futures[0])

    async def __aenter__(self) -> AIOKafkaProducer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
