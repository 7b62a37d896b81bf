"""Differential tests: consumer groups, committed offsets and lag against real Apache Kafka.

* A scripted consume: the same keyed records are produced to a real topic and to an engine
  topic; a group member reads them all and commits ``position - 2`` on every partition; then
  ``kafka-consumer-groups --describe`` (Kafka's own tool) and the engine's
  ``describe_offsets`` must agree on every row: committed offset, log end offset and lag.
* ``auto_offset_reset="latest"`` on a brand-new group: the record produced before the
  assignment is never seen, the one produced after is, on both backends.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from engine import Cluster
from engine.core.records import TopicPartition as TP
from tools import realkafka

pytestmark = pytest.mark.realkafka

N_RECORDS = 30
PARTITIONS = 3


async def _create_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS,
                                            replication_factor=1)])
    finally:
        await admin.close()


async def _produce(bootstrap: str, topic: str, items: list[tuple[str, str]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for key, value in items:
            await producer.send_and_wait(topic, value.encode(), key=key.encode())
    finally:
        await producer.stop()


async def _real_scripted_consume(bootstrap: str, topic: str, group: str) -> dict[int, int]:
    await _create_topic(bootstrap, topic)
    await _produce(bootstrap, topic, [(f"k{i}", f"v{i}") for i in range(N_RECORDS)])
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        seen = 0
        for _ in range(60):
            batch = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batch.values())
            if seen >= N_RECORDS:
                break
        positions = {tp.partition: await consumer.position(tp)
                     for tp in consumer.assignment()}
        commit = {p: max(pos - 2, 0) for p, pos in positions.items()}
        await consumer.commit({TopicPartition(topic, p): o for p, o in commit.items()})
        return commit
    finally:
        await consumer.stop()


def _describe_rows(bootstrap: str, group: str) -> list[tuple[str, int, str, int, str, str]]:
    done = realkafka.run_tool("kafka-consumer-groups", [
        "--bootstrap-server", bootstrap, "--describe", "--group", group], timeout=120)
    rows = []
    for line in done.stdout.decode().splitlines():
        words = line.split()
        if not words or words[0] != group:
            continue
        _, topic, partition, current, end, lag, consumer_id, *_ = words
        rows.append((topic, int(partition), current, int(end), lag, consumer_id))
    return sorted(rows)


def test_committed_offsets_and_lag_match_kafka(real_kafka: str, kafka_tools: None) -> None:
    suffix = uuid.uuid4().hex[:8]
    topic, group = f"group-lag-{suffix}", f"group-lag-{suffix}"
    committed = asyncio.run(_real_scripted_consume(real_kafka, topic, group))
    real_rows = _describe_rows(real_kafka, group)

    cluster = Cluster(brokers=1, seed=1)
    cluster.create_topic(topic, partitions=PARTITIONS)
    for i in range(N_RECORDS):
        cluster.produce(topic, f"v{i}", key=f"k{i}")
    consumer = cluster.consumer(topic, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    seen = 0
    while seen < N_RECORDS:
        seen += sum(len(r) for r in consumer.poll(1000).values())
    engine_commit = {tp.partition: consumer.position(tp) - 2 for tp in consumer.assignment()}
    assert engine_commit == committed
    consumer.commit({TP(topic, p): o for p, o in engine_commit.items()})
    consumer.close()
    engine_rows = sorted(
        (r.topic, r.partition, "-" if r.current_offset is None else str(r.current_offset),
         r.log_end_offset, "-" if r.lag is None else str(r.lag), r.consumer_id or "-")
        for r in cluster.groups.describe_offsets(group))
    assert engine_rows == real_rows
    assert {row[4] for row in engine_rows} == {"2"}


async def _real_latest(bootstrap: str, topic: str, group: str) -> list[bytes]:
    await _create_topic(bootstrap, topic)
    await _produce(bootstrap, topic, [("a", "before")])
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                                auto_offset_reset="latest")
    await consumer.start()
    try:
        for _ in range(60):
            await consumer.getmany(timeout_ms=500)
            if consumer.assignment():
                break
        for tp in consumer.assignment():
            await consumer.position(tp)  # the reset to latest happens here
        await _produce(bootstrap, topic, [("a", "after")])
        seen: list[bytes] = []
        for _ in range(20):
            batch = await consumer.getmany(timeout_ms=500)
            seen += [r.value for records in batch.values() for r in records]
            if seen:
                break
        return seen
    finally:
        await consumer.stop()


def test_latest_on_a_new_group_sees_only_new_records(real_kafka: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    topic, group = f"group-latest-{suffix}", f"group-latest-{suffix}"
    real_seen = asyncio.run(_real_latest(real_kafka, topic, group))

    cluster = Cluster(brokers=1, seed=1)
    cluster.create_topic(topic, partitions=PARTITIONS)
    cluster.produce(topic, "before", key="a")
    consumer = cluster.consumer(topic, group_id=group, auto_offset_reset="latest")
    consumer.poll(5000)
    for tp in consumer.assignment():
        consumer.position(tp)
    cluster.produce(topic, "after", key="a")
    engine_seen = [r.value for records in consumer.poll(1000).values() for r in records]
    assert engine_seen == real_seen == [b"after"]
