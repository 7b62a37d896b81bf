"""Differential test: the engine's key partitioning and offsets against real Apache Kafka.

The oracle is Kafka's own Java producer: for every partition count 1..64, a topic is created
on the real broker and the same 10,000 keyed records are written, in order, by
``kafka-console-producer`` (so the Java client picks every partition). aiokafka then reads
each partition back to learn the (partition, offset) Kafka gave every record. The engine must
give each record the same partition (``partition_for_key``) and, when the same records are
produced in the same order to an engine cluster, the same (partition, offset).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tools import realkafka

pytestmark = pytest.mark.realkafka

N_RECORDS = 10_000
PARTITION_COUNTS = tuple(range(1, 65))
PARALLEL_PRODUCERS = 3  # JVMs at once; each takes ~1 s for 10,000 records on 2 cores
SEED = 20_251_127

#: Java's result per partition count: for record i, the (partition, offset) Kafka gave it.
Placement = list[tuple[int, int]]

_FIXED_KEYS = (
    "clé-ü-日本-🚀", "naïve café", "Ελληνικά", "русский ключ", "עברית", "العربية", "हिन्दी",
    "한국어", "中文键", "😀😃😄😁", "🇫🇷🇯🇵", "👩‍👩‍👧‍👦", "e\u0301", "\u00e9", "ß", "Å",
    "\u00a0", " ", "  leading", "trailing  ", "a b c", "null", "NULL", "0", "-1", "\\", "\\t",
    "key=value", "ключ:42", "\u2028", "\u0085", "\ufeff", "\x00", "\x01\x02\x1b\x7f", "x" * 1000,
)  # fmt: skip
#: Code point ranges of the random keys (ASCII weighted x3); no surrogates, tabs or newlines.
_ALPHABET_RANGES = (
    (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0xA1, 0xFF), (0x391, 0x3C9), (0x410, 0x44F),
    (0x4E00, 0x9FFF), (0x3040, 0x30FF), (0xAC00, 0xD7A3), (0x1F300, 0x1FAFF),
)  # fmt: skip


def _random_text(rng: random.Random, length: int) -> str:
    chars = []
    for _ in range(length):
        low, high = rng.choice(_ALPHABET_RANGES)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def make_keys(count: int = N_RECORDS, seed: int = SEED) -> list[bytes]:
    """``count`` deterministic keys (UTF-8): empty, non-ASCII, ASCII ids, random strings.

    No key holds a tab, newline or carriage return: the console producer reads one
    ``key<TAB>value`` record per line. Some keys repeat, as real keys do.
    """
    rng = random.Random(seed)
    keys: list[str] = ["", *_FIXED_KEYS]
    while len(keys) < count:
        kind = rng.randrange(6)
        if kind == 0:
            keys.append(f"user-{rng.randrange(100_000)}")
        elif kind == 1:
            keys.append(f"order-{len(keys):08d}")
        elif kind == 2:
            keys.append(str(uuid.UUID(int=rng.getrandbits(128))))
        elif kind == 3:
            keys.append(rng.choice(keys))  # a repeated key
        else:
            keys.append(_random_text(rng, rng.randint(1, 80)))
    for key in keys:
        assert not set(key) & {"\t", "\n", "\r"}, key
    return [key.encode() for key in keys[:count]]


def value_of(index: int) -> bytes:
    """The value of record ``index``: it identifies the record when it is read back."""
    return f"v{index}".encode()


def console_input(keys: list[bytes]) -> bytes:
    """The console producer's stdin: one ``key<TAB>value`` line per record, in order."""
    return b"".join(key + b"\t" + value_of(i) + b"\n" for i, key in enumerate(keys))


def _produce_with_java(bootstrap: str, topic: str, payload: bytes) -> float:
    """Write ``payload`` to ``topic`` with Kafka's console producer; return its duration.

    The console producer's defaults (1.5 s request timeout, 3 retries) can drop records on a
    busy 2-core machine, and a dropped record is only logged, so both are raised here (neither
    changes which partition the producer picks) and the log is checked.
    """
    began = time.monotonic()
    done = realkafka.run_tool(
        "kafka-console-producer",
        [
            "--bootstrap-server", bootstrap,
            "--topic", topic,
            "--reader-property", "parse.key=true",
            "--request-timeout-ms", "30000",
            "--message-send-max-retries", "100",
        ],
        input=payload,
        timeout=300,
    )  # fmt: skip
    log = done.stderr.decode(errors="replace")
    assert done.returncode == 0, log[-3000:]
    assert " ERROR " not in log, log[-3000:]
    return time.monotonic() - began


async def _create_topics(bootstrap: str, topics: dict[int, str]) -> None:
    """Create one topic per partition count and wait until the metadata shows them all."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, num_partitions=n, replication_factor=1) for n, name in topics.items()]
        )
        errors = [error for error in response.topic_errors if error[1] != 0]
        assert not errors, f"create_topics failed: {errors}"
        wanted = {name: n for n, name in topics.items()}
        deadline = time.monotonic() + 60
        while True:
            described = await admin.describe_topics(list(wanted))
            ready = {
                topic["topic"]
                for topic in described
                if topic["error_code"] == 0
                and len(topic["partitions"]) == wanted[topic["topic"]]
                and all(part["leader"] >= 0 for part in topic["partitions"])
            }
            if ready == set(wanted):
                return
            assert time.monotonic() < deadline, f"not ready: {sorted(set(wanted) - ready)}"
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def _delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


async def _read_topic(
    consumer: AIOKafkaConsumer, topic: str, partitions: int, keys: list[bytes]
) -> Placement:
    """Read every partition of ``topic`` to its end: (partition, offset) of each record."""
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    ends = await consumer.end_offsets(tps)
    assert sum(ends.values()) == len(keys), f"{topic}: {sum(ends.values())} records"
    found: list[tuple[int, int] | None] = [None] * len(keys)
    remaining = {tp for tp in tps if ends[tp] > 0}
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=2000, max_records=50_000)
        assert batches, f"{topic}: no records arrived in 2 s"
        for tp, records in batches.items():
            for record in records:
                index = int(record.value[1:])
                assert record.key == keys[index], (topic, index, record.key, keys[index])
                assert found[index] is None, f"{topic}: record {index} twice"
                found[index] = (tp.partition, record.offset)
            if records[-1].offset + 1 >= ends[tp]:
                remaining.discard(tp)
    assert None not in found, f"{topic}: records missing"
    return [place for place in found if place is not None]


async def _java_oracle(
    bootstrap: str, topics: dict[int, str], keys: list[bytes]
) -> tuple[dict[int, Placement], str]:
    """Create the topics, write ``keys`` to each with the console producer, read them back.

    A new partition takes writes a little after the metadata names its leader, and creating
    2,080 partitions keeps the broker busy for seconds, so each producer starts as soon as
    its own topic answers ListOffsets (retried by aiokafka until it does).
    """
    payload = console_input(keys)
    began = time.monotonic()
    await _create_topics(bootstrap, topics)
    created = time.monotonic()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=8 << 20,
        fetch_max_bytes=64 << 20,
    )
    await consumer.start()
    try:
        slots = asyncio.Semaphore(PARALLEL_PRODUCERS)

        async def produce(topic: str, partitions: int) -> float:
            async with slots:
                tps = [TopicPartition(topic, p) for p in range(partitions)]
                ends = await consumer.end_offsets(tps)
                assert not any(ends.values()), f"{topic} is not empty"
                return await asyncio.to_thread(_produce_with_java, bootstrap, topic, payload)

        durations = await asyncio.gather(*(produce(t, n) for n, t in topics.items()))
        produced = time.monotonic()
        placements = {n: await _read_topic(consumer, t, n, keys) for n, t in topics.items()}
    finally:
        await consumer.stop()
    summary = (
        f"real Kafka: created {len(topics)} topics in {created - began:.1f} s; "
        f"{len(topics)} console producers ({PARALLEL_PRODUCERS} at once, "
        f"{min(durations):.1f}-{max(durations):.1f} s each) done in {produced - created:.1f} s; "
        f"read back in {time.monotonic() - produced:.1f} s"
    )
    return placements, summary


@pytest.fixture(scope="module")
def keys() -> list[bytes]:
    """The 10,000 keys, in produce order."""
    return make_keys()


@pytest.fixture(scope="module")
def java_placements(
    real_kafka: str, kafka_tools: None, keys: list[bytes]
) -> Iterator[dict[int, Placement]]:
    """For each partition count, where Kafka's Java producer put every record."""
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    topics = {n: f"course-partitioner-diff-{stamp}-p{n:02d}" for n in PARTITION_COUNTS}
    try:
        placements, summary = asyncio.run(_java_oracle(real_kafka, topics, keys))
        print(f"\n{summary}")
        yield placements
    finally:
        asyncio.run(_delete_topics(real_kafka, list(topics.values())))


def _mismatches(keys: list[bytes], expected: Sequence[object], actual: Sequence[object]) -> str:
    """The first few records where ``actual`` differs from ``expected``, for a failure message."""
    wrong = [i for i, (e, a) in enumerate(zip(expected, actual, strict=True)) if e != a]
    shown = "; ".join(
        f"record {i} key={keys[i]!r}: Kafka {expected[i]}, engine {actual[i]}" for i in wrong[:5]
    )
    return f"{len(wrong)} of {len(keys)} records differ: {shown}"


def test_java_offsets_count_up_in_produce_order(
    java_placements: dict[int, Placement],
) -> None:
    """The oracle itself: per partition, offsets start at 0 and follow the produce order."""
    for n, placement in java_placements.items():
        next_offset = [0] * n
        for partition, offset in placement:
            assert offset == next_offset[partition], (n, partition, offset)
            next_offset[partition] += 1


@pytest.mark.parametrize("partitions", PARTITION_COUNTS)
def test_partition_for_key_matches_java(
    java_placements: dict[int, Placement], keys: list[bytes], partitions: int
) -> None:
    """``engine.partition_for_key`` picks the partition Kafka's Java producer picked."""
    from engine import partition_for_key

    expected = [partition for partition, _ in java_placements[partitions]]
    actual = [partition_for_key(key, partitions) for key in keys]
    assert actual == expected, _mismatches(keys, expected, actual)


@pytest.mark.parametrize("partitions", PARTITION_COUNTS)
def test_engine_produce_matches_java(
    java_placements: dict[int, Placement], keys: list[bytes], partitions: int
) -> None:
    """Producing the same records in the same order to the engine gives the same
    (partition, offset) to every record."""
    from engine import Cluster

    cluster = Cluster(brokers=1, seed=0)
    cluster.create_topic("diff", partitions=partitions)
    produce_batch = getattr(cluster, "produce_batch", None)
    if produce_batch is not None:
        metas = produce_batch("diff", [(key, value_of(i)) for i, key in enumerate(keys)])
    else:
        metas = [cluster.produce("diff", value_of(i), key=key) for i, key in enumerate(keys)]
    actual = [(meta.partition, meta.offset) for meta in metas]
    expected = java_placements[partitions]
    assert actual == expected, _mismatches(keys, expected, actual)
