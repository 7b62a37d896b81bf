"""The same client workload on aiokafka against a real broker and on the engine.

``python -m bench.aiokafka_vs_engine`` (also part of ``python3 course.py bench``).

Workload: 100,000 keyed records of about 100 bytes to a topic with 3 partitions, with
``acks="all"`` and ``linger_ms=5``: every record is handed to ``send()`` without waiting
for its result, then ``flush()``; then one consumer (no group, all partitions assigned,
from the beginning) reads them all back with ``getmany()``. On the real side that is
aiokafka itself against the broker on loopback; on the engine side the engine's own
aiokafka-shaped clients from ``connect(Cluster(...))``. Both are timed by the wall clock
(the engine's simulated clock is not what is measured), median of 3 runs; topic
creation is not timed.

The broker is ``--bootstrap``, else ``$COURSE_REAL_KAFKA`` or ``$KAFKA_BOOTSTRAP_SERVERS``,
else the course's local broker (127.0.0.1:19092). Without a reachable broker only the
engine's figures are printed, with how to start one.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tools.realkafka import bootstrap_reachable

N = 100_000
PARTITIONS = 3
VALUE_BYTES = 100
TOPIC = "bench-aiokafka-vs-engine"
DEFAULT_BOOTSTRAP = "127.0.0.1:19092"
HOW_TO_START = ("no real broker at {bootstrap}: start one with `python3 course.py "
                "kafka-start` (Java 17) or pass --bootstrap host:port")


def make_records(n: int = N) -> list[tuple[bytes, bytes]]:
    """``n`` (key, value) pairs: keys from 10,000 customers, values padded to ~100 bytes."""
    return [(b"customer-%d" % (i % 10_000), (b"order-%d;" % i).ljust(VALUE_BYTES, b"x"))
            for i in range(n)]


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of one run's two halves."""

    produce_s: float
    consume_s: float

    @property
    def total_s(self) -> float:
        return self.produce_s + self.consume_s


async def produce_all(producer: Any, records: list[tuple[bytes, bytes]]) -> None:
    """Hand every record to ``send()`` without awaiting its result, flush, check the acks."""
    futures = [await producer.send(TOPIC, value, key=key) for key, value in records]
    await producer.flush()
    failed = [f for f in futures if not f.done() or f.exception() is not None]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(futures)} sends were not acknowledged")


async def consume_all(consumer: Any, tp_class: Any, n: int) -> None:
    """Read ``n`` records from every partition from the beginning with ``getmany()``."""
    consumer.assign([tp_class(TOPIC, p) for p in range(PARTITIONS)])
    await consumer.seek_to_beginning()
    seen = 0
    idle = 0
    while seen < n:
        batch = await consumer.getmany(timeout_ms=1000)
        got = sum(len(records) for records in batch.values())
        seen += got
        idle = 0 if got else idle + 1
        if idle > 30:
            raise RuntimeError(f"read {seen} of {n} records, then nothing for 30 polls")


async def timed(backend: Any, records: list[tuple[bytes, bytes]], tp_class: Any,
                make_producer: Callable[[], Any], make_consumer: Callable[[], Any]) -> Timing:
    """Create the topic afresh (untimed), then time producing and consuming."""
    from aiokafka.admin import NewTopic

    await backend.fresh_topics(NewTopic(TOPIC, PARTITIONS, 1))
    producer = make_producer()
    await producer.start()
    try:
        start = time.perf_counter()
        await produce_all(producer, records)
        produced = time.perf_counter()
    finally:
        await producer.stop()
    consumer = make_consumer()
    await consumer.start()
    try:
        begin = time.perf_counter()
        await consume_all(consumer, tp_class, len(records))
        consumed = time.perf_counter()
    finally:
        await consumer.stop()
    return Timing(produced - start, consumed - begin)


PRODUCER_CONFIG: dict[str, Any] = {"acks": "all", "linger_ms": 5}
CONSUMER_CONFIG: dict[str, Any] = {"enable_auto_commit": False,
                                   "auto_offset_reset": "earliest"}


async def engine_run(records: list[tuple[bytes, bytes]]) -> Timing:
    """The workload on a fresh engine cluster through ``connect()``."""
    from engine.client import connect
    from engine.client.connect import ENGINE_START_MS
    from engine.core.cluster import Cluster
    from engine.core.records import TopicPartition

    backend = connect(Cluster(brokers=1, start_ms=ENGINE_START_MS))
    try:
        return await timed(backend, records, TopicPartition,
                           lambda: backend.producer(**PRODUCER_CONFIG),
                           lambda: backend.consumer(**CONSUMER_CONFIG))
    finally:
        await backend.close()


async def aiokafka_run(records: list[tuple[bytes, bytes]], bootstrap: str) -> Timing:
    """The workload with aiokafka's own clients against the broker at ``bootstrap``."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    from engine.client import connect

    admin_side = connect(bootstrap)  # only for fresh_topics
    try:
        return await timed(admin_side, records, TopicPartition,
                           lambda: AIOKafkaProducer(bootstrap_servers=bootstrap,
                                                    **PRODUCER_CONFIG),
                           lambda: AIOKafkaConsumer(bootstrap_servers=bootstrap,
                                                    **CONSUMER_CONFIG))
    finally:
        await admin_side.close()


def median_timing(run: Callable[[], Awaitable[Timing]], repeat: int) -> Timing:
    """Run ``repeat`` times; the median of each half separately."""
    timings = [asyncio.run(run()) for _ in range(repeat)]  # type: ignore[arg-type]
    return Timing(statistics.median(t.produce_s for t in timings),
                  statistics.median(t.consume_s for t in timings))


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} msg/s"


def report(n: int, engine: Timing, real: Timing | None) -> list[str]:
    """The printed lines: msg/s per phase for each side, and the engine's ratio."""
    lines = [f"{'':<22}{'produce':>18}{'consume':>18}{'end to end':>18}"]
    rows = [("engine (connect())", engine)] + ([("aiokafka + Kafka", real)] if real else [])
    for name, t in rows:
        lines.append(f"  {name:<20}{rate(n, t.produce_s):>18}{rate(n, t.consume_s):>18}"
                     f"{rate(n, t.total_s):>18}")
    if real:
        lines.append(f"  {'engine / aiokafka':<20}{real.produce_s / engine.produce_s:>17.1f}x"
                     f"{real.consume_s / engine.consume_s:>17.1f}x"
                     f"{real.total_s / engine.total_s:>17.1f}x")
    return lines


def bootstrap_default() -> str:
    return (os.environ.get("COURSE_REAL_KAFKA") or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
            or DEFAULT_BOOTSTRAP).strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=N)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bootstrap", default=bootstrap_default())
    parser.add_argument("--engine-only", action="store_true")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("aiokafka") is None:
        print("aiokafka vs engine: skipped, aiokafka is not installed (pip install aiokafka)")
        return
    records = make_records(args.records)
    print(f"aiokafka vs engine: {args.records:,} keyed records of ~{VALUE_BYTES} bytes, "
          f"{PARTITIONS} partitions, acks=all, linger_ms=5; wall clock, median of "
          f"{args.repeat} runs")
    engine = median_timing(lambda: engine_run(records), args.repeat)
    real = None
    if args.engine_only:
        pass
    elif bootstrap_reachable(args.bootstrap):
        real = median_timing(lambda: aiokafka_run(records, args.bootstrap), args.repeat)
    else:
        print("  " + HOW_TO_START.format(bootstrap=args.bootstrap))
    for line in report(args.records, engine, real):
        print(line)


if __name__ == "__main__":
    main()
