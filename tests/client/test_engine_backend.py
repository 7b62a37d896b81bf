"""The engine backend end to end: topics, producer, consumer group, admin, observed, close."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import NewTopic

from engine import Cluster, partition_for_key
from engine.client import connect


async def scenario() -> dict:
    kafka = connect(Cluster(brokers=1))
    await kafka.fresh_topics(NewTopic("orders", 3, 1))
    producer = kafka.producer()
    await producer.start()
    sent = [await producer.send_and_wait("orders", b"v%d" % i, key=b"k%d" % (i % 4))
            for i in range(8)]
    consumer = kafka.consumer("orders", group_id="billing", auto_offset_reset="earliest")
    await consumer.start()
    got = []
    while len(got) < 8:
        for records in (await consumer.getmany(timeout_ms=1000)).values():
            got.extend(records)
    await consumer.commit()
    admin = kafka.admin()
    await admin.start()
    result = {
        "kafka": kafka, "sent": sent, "got": got, "producer": producer, "consumer": consumer,
        "groups": await admin.list_consumer_groups(),
        "offsets": await admin.list_consumer_group_offsets("billing"),
        "ends": await consumer.end_offsets([TopicPartition("orders", p) for p in range(3)]),
    }
    await kafka.close()
    return result


def test_a_small_scenario_end_to_end() -> None:
    result = asyncio.run(scenario())
    kafka = result["kafka"]
    by_key = kafka.observed.partitions_by_key()
    for (topic, key), partitions in by_key.items():
        assert topic == "orders"
        assert partitions == {partition_for_key(key, 3)}
    assert len(kafka.observed.sends) == 8
    assert [s.offset for s in kafka.observed.sends] == [md.offset for md in result["sent"]]
    assert sorted(r.value for r in result["got"]) == sorted(b"v%d" % i for i in range(8))
    assert result["groups"] == [("billing", "consumer")]
    assert {tp: om.offset for tp, om in result["offsets"].items()} == result["ends"]
    (seen,) = kafka.observed.consumers.values()
    assert seen.group_id == "billing"
    assert seen.assignment == (("orders", 0), ("orders", 1), ("orders", 2))
    assert result["consumer"].sync.closed


def test_fresh_topics_recreates_an_existing_topic_empty() -> None:
    async def go() -> tuple[int, int, list[str]]:
        kafka = connect()
        await kafka.fresh_topics(NewTopic("orders", 2, 1))
        kafka.cluster.produce("orders", b"old", key=b"k")
        names = await kafka.fresh_topics(NewTopic("orders", 4, 1), NewTopic("audit", 1, 1))
        described = kafka.cluster.describe_topic("orders")
        ends = sum(p.high_watermark for p in described.partitions)
        return len(described.partitions), ends, names

    partitions, records, names = asyncio.run(go())
    assert (partitions, records) == (4, 0)
    assert names == ["orders", "audit"]


def test_fresh_topics_raises_kafkas_error_for_a_bad_topic() -> None:
    from engine.core.errors import InvalidReplicationFactorError

    async def go() -> None:
        await connect().fresh_topics(NewTopic("orders", 1, 3))

    try:
        asyncio.run(go())
    except InvalidReplicationFactorError as error:
        assert "replication factor of 3 cannot be reached" in str(error)
    else:
        raise AssertionError("no error for a replication factor above the broker count")


def test_close_stops_every_client_and_the_context_manager_closes() -> None:
    async def go() -> tuple:
        async with connect() as kafka:
            await kafka.fresh_topics(NewTopic("t", 1, 1))
            producer = kafka.producer()
            await producer.start()
            consumer = kafka.consumer("t", group_id="g")
            await consumer.start()
            admin = kafka.admin()
        return producer, consumer, admin

    producer, consumer, admin = asyncio.run(go())
    assert consumer.sync.closed
    assert producer._closed
    assert admin._closed


def test_fresh_topics_checks_once_on_the_engine_instead_of_waiting() -> None:
    """Topic operations are immediate on the engine: a condition that does not hold at the
    first check never will, so the wait gives up at once (real Kafka gets 30 s)."""
    async def go() -> float:
        kafka = connect()
        admin = kafka.admin()
        await admin.start()
        began = time.monotonic()
        with pytest.raises(TimeoutError, match="on the engine, where topic operations are"):
            await kafka._wait(admin, lambda topics: False, "topics ['t'] to be deleted")
        with pytest.raises(TimeoutError, match="topics \\['t'\\] to have leaders"):
            await kafka._wait_ready(admin, (NewTopic("t", 1, 1),))  # "t" does not exist
        await kafka.close()
        return time.monotonic() - began

    assert asyncio.run(go()) < 1.0
