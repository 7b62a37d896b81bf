"""The side-by-side view against a real broker: the same scenario leaves the same
observables on the engine and on Kafka (partitions and offsets of keyed sends, end
offsets, group assignments, committed offsets, lag), and a real difference is shown."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import NewTopic

from engine.views.sidebyside import ASSIGNED, COMMITTED, END, LAG, SENT, side_by_side

pytestmark = pytest.mark.realkafka


async def _poll_all(consumers: list[Any], want: int, rounds: int = 100) -> int:
    """Poll the consumers in turn until ``want`` records arrived in all."""
    seen = 0
    for _ in range(rounds):
        for consumer in consumers:
            seen += sum(len(b) for b in (await consumer.getmany(timeout_ms=100)).values())
        if seen >= want:
            break
    return seen


async def keyed_group(kafka: Any) -> None:
    """Awaited and batched keyed sends; a group of two reads all and commits all but two."""
    await kafka.fresh_topics(NewTopic("sbs-keyed", 3, 1))
    producer = kafka.producer()
    await producer.start()
    for key in (b"alice", b"bob", b"carol", b"alice", b"dave"):
        await producer.send_and_wait("sbs-keyed", b"order", key=key)
    futures = [await producer.send("sbs-keyed", b"x" * 100, key=b"k%d" % i) for i in range(40)]
    await producer.flush()
    assert all(f.done() for f in futures)
    await producer.stop()
    consumers = [kafka.consumer("sbs-keyed", group_id="sbs-keyed-g", enable_auto_commit=False,
                                auto_offset_reset="earliest") for _ in range(2)]
    for consumer in consumers:
        await consumer.start()
    assert await _poll_all(consumers, 45) == 45
    for consumer in consumers:  # two records short of the end: a lag of 2 per partition
        await consumer.commit({tp: await consumer.position(tp) - 2
                               for tp in consumer.assignment()})


async def named_members(kafka: Any) -> None:
    """Three members with their own client ids on five partitions (range: 2, 2, 1)."""
    await kafka.fresh_topics(NewTopic("sbs-named", 5, 1))
    producer = kafka.producer()
    await producer.start()
    for i in range(20):
        await producer.send("sbs-named", b"v", key=b"user-%d" % i)
    await producer.flush()
    await producer.stop()
    consumers = [kafka.consumer("sbs-named", group_id="sbs-named-g", client_id=f"member-{n}",
                                auto_offset_reset="earliest") for n in "abc"]
    for consumer in consumers:
        await consumer.start()
    assert await _poll_all(consumers, 20) == 20
    for consumer in consumers:
        await consumer.commit()


async def assigned_reader(kafka: Any) -> None:
    """A consumer without a group, assigned one partition, and a group that commits by hand."""
    await kafka.fresh_topics(NewTopic("sbs-assigned", 2, 1))
    producer = kafka.producer()
    await producer.start()
    for i in range(6):
        await producer.send_and_wait("sbs-assigned", b"v", key=b"key-%d" % i)
    await producer.stop()
    reader = kafka.consumer()
    await reader.start()
    reader.assign([TopicPartition("sbs-assigned", 1)])
    await reader.seek_to_beginning()
    await reader.getmany(timeout_ms=500)
    committer = kafka.consumer(group_id="sbs-assigned-g", enable_auto_commit=False)
    await committer.start()
    committer.assign([TopicPartition("sbs-assigned", 0)])
    await committer.commit({TopicPartition("sbs-assigned", 0): 1})


def _run(scenario: Any, real: str) -> Any:
    return asyncio.run(side_by_side(scenario, real=real))


@pytest.mark.parametrize("scenario", [keyed_group, named_members, assigned_reader],
                         ids=lambda s: s.__name__)
def test_the_engine_leaves_what_kafka_leaves(scenario: Any, real_kafka: str) -> None:
    comparison = _run(scenario, real_kafka)
    assert comparison.real == real_kafka
    assert comparison.differences == [], repr(comparison)
    kinds = {row.kind for row in comparison.rows}
    assert {SENT, END, ASSIGNED, COMMITTED, LAG} <= kinds
    assert all(row.kafka is not None for row in comparison.rows)


def test_named_members_are_compared_per_client_id(real_kafka: str) -> None:
    comparison = _run(named_members, real_kafka)
    subjects = [row.subject for row in comparison.rows if row.kind == ASSIGNED]
    assert subjects == [f"sbs-named-g / member-{n}" for n in "abc"]


def test_a_real_difference_is_shown(real_kafka: str) -> None:
    async def differs(kafka: Any) -> None:
        await kafka.fresh_topics(NewTopic("sbs-differs", 2, 1))
        producer = kafka.producer()
        await producer.start()
        await producer.send_and_wait("sbs-differs", b"v", key=b"same")
        if kafka.kind == "kafka":  # one record more on Kafka only
            await producer.send_and_wait("sbs-differs", b"v", key=b"same")
        await producer.stop()

    comparison = _run(differs, real_kafka)
    [sent] = [row for row in comparison.rows if row.kind == SENT]
    assert sent.differs and sent.engine.endswith(": 0") and sent.kafka.endswith(": 0-1")
    assert sent in comparison.differences
    assert any(row.kind == END and row.differs for row in comparison.rows)
    text = repr(comparison)
    assert "≠" in text and text.splitlines()[0].endswith("differences")
