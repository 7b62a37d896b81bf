"""The same small scenario through connect() (the engine) and connect(real broker): keys
land on the same partitions at the same offsets, the group's assignment, committed offsets
and end offsets agree, and the admin answers have the same shapes and error codes.

Names are unique per run on the real broker; the engine gets the same names.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import NewTopic

from engine.admin.protocol import decode_assignment
from engine.client import connect

pytestmark = pytest.mark.realkafka

KEYS = [b"k%d" % (i % 6) for i in range(12)]


async def _consume_all(consumer: Any, count: int) -> list[Any]:
    got: list[Any] = []
    deadline = time.monotonic() + 30
    while len(got) < count and time.monotonic() < deadline:
        for records in (await consumer.getmany(timeout_ms=1000)).values():
            got.extend(records)
    return got


async def scenario(target: Any, suffix: str) -> dict[str, Any]:
    topic, group = f"sides-{suffix}", f"sides-g-{suffix}"
    async with connect(target) as kafka:
        await kafka.fresh_topics(NewTopic(topic, 3, 1))
        producer = kafka.producer()
        await producer.start()
        sent = [await producer.send_and_wait(topic, b"v", key=key) for key in KEYS]
        consumer = kafka.consumer(topic, group_id=group, auto_offset_reset="earliest")
        await consumer.start()
        got = await _consume_all(consumer, len(KEYS))
        await consumer.commit()
        admin = kafka.admin()
        await admin.start()
        tps = [TopicPartition(topic, p) for p in range(3)]
        cluster = await admin.describe_cluster()
        (described,) = await admin.describe_consumer_groups([group])
        (group_row,) = described.groups
        again = await admin.create_topics([NewTopic(topic, 3, 1)])
        bad = await admin.create_topics([NewTopic(f"wide-{suffix}", 1, 7)])
        try:
            await kafka.fresh_topics(NewTopic(f"wide-{suffix}", 1, 7))
            fresh_error = None
        except Exception as error:
            fresh_error = type(error).__name__
        committed = await admin.list_consumer_group_offsets(group)
        year_2100 = 4_102_444_800_000
        listed = [await admin.list_offsets({tp: spec for tp in tps})
                  for spec in ("earliest", "latest", 0, year_2100)]
        result = {
            "placed": [(md.partition, md.offset, md.timestamp_type) for md in sent],
            "observed": [(s.key, s.partition, s.offset) for s in kafka.observed.sends],
            "got": sorted((r.partition, r.offset, r.key) for r in got),
            "assignment": sorted(consumer.assignment()),
            "seen": [(c.group_id, c.assignment) for c in kafka.observed.consumers.values()],
            "committed": {tp: (om.offset, om.metadata) for tp, om in committed.items()},
            "end_offsets": await consumer.end_offsets(tps),
            "list_offsets": listed,
            "beginning_offsets": await consumer.beginning_offsets(tps),
            "cluster_keys": sorted(cluster),
            "broker_keys": sorted(cluster["brokers"][0]),
            "groups": [g for g in await admin.list_consumer_groups() if g[0] == group],
            "group_row": (len(group_row), group_row[0], group_row[1], group_row[2],
                          group_row[3], group_row[4], len(group_row[5])),
            "member": (len(group_row[5][0]), type(group_row[5][0][3]).__name__,
                       sorted(decode_assignment(group_row[5][0][4]))),
            "group_dict_keys": sorted(described.to_object()["groups"][0]),
            "dead": (await admin.describe_consumer_groups([f"nobody-{suffix}"]))[0].groups,
            "again": again.topic_errors,
            "again_repr": type(again).__name__,
            "bad": [(t, code) for t, code, _ in bad.topic_errors],
            "bad_text": bad.topic_errors[0][2].replace("7", "N").split(":")[0],
            "fresh_error": fresh_error,
            "deleted": sorted((await admin.delete_topics(
                [topic, f"none-{suffix}"])).topic_error_codes),
        }
    return result


def test_the_engine_and_kafka_agree_on_a_small_scenario(real_kafka: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    engine = asyncio.run(scenario(None, suffix))
    real = asyncio.run(scenario(real_kafka, suffix))
    assert engine["cluster_keys"] == real["cluster_keys"] == [
        "brokers", "cluster_id", "controller_id", "throttle_time_ms"]
    for key in engine:
        assert engine[key] == real[key], key
    assert {p for p, _, _ in engine["placed"]} == {0, 1, 2}
    assert engine["again"][0][1] == 36
    assert engine["fresh_error"] == "InvalidReplicationFactorError"
    assert engine["group_row"][3:6] == ("Stable", "consumer", "range")


async def two_members(target: Any, suffix: str) -> list[list[int]]:
    topic, group = f"pair-{suffix}", f"pair-g-{suffix}"
    async with connect(target) as kafka:
        await kafka.fresh_topics(NewTopic(topic, 3, 1))
        members = [kafka.consumer(topic, group_id=group) for _ in range(2)]
        for member in members:
            await member.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            await asyncio.gather(*(m.getmany(timeout_ms=300) for m in members))
            owned = [sorted(tp.partition for tp in m.assignment()) for m in members]
            if sum(map(len, owned)) == 3 and all(owned):
                break
        seen = [list(p for _, p in c.assignment) for c in kafka.observed.consumers.values()]
        assert sorted(seen) == sorted(owned)
        return sorted(owned)


def test_range_assignment_of_two_members_agrees(real_kafka: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    engine = asyncio.run(two_members(None, suffix))
    assert engine == [[0, 1], [2]]
    assert asyncio.run(two_members(real_kafka, suffix)) == engine


async def admin_edges(target: Any, suffix: str) -> dict[str, Any]:
    """An admin call before start(), and a missing topic described (then listed)."""
    topic = f"auto-{suffix}"
    async with connect(target) as kafka:
        admin = kafka.admin()
        try:
            await asyncio.wait_for(admin.list_topics(), 10)
            early = None
        except Exception as error:
            early = str(error)
        await admin.start()
        (described,) = await admin.describe_topics([topic])
        deadline = time.monotonic() + 10
        while topic not in await admin.list_topics() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        exists = topic in await admin.list_topics()
        (invalid,) = await admin.describe_topics([f"bad name {suffix}"])
        if exists:
            await admin.delete_topics([topic])
        try:
            kafka.producer(delivery_timeout_ms=120000)
            refused = None
        except TypeError as error:
            refused = str(error)
    return {"early": early, "described": (described["error_code"], described["partitions"]),
            "exists": exists, "invalid": invalid["error_code"], "refused": refused}


def test_admin_before_start_and_a_described_missing_topic_agree(real_kafka: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    engine = asyncio.run(admin_edges(None, suffix))
    real = asyncio.run(admin_edges(real_kafka, suffix))
    assert engine == real
    assert engine["early"] == ("NodeNotReadyError: Attempt to send a request to node which "
                               "is not ready (node id None).")
    assert engine["described"] == (3, []) and engine["exists"] is True
    assert engine["invalid"] == 17
    assert "delivery_timeout_ms is a Java client setting" in str(engine["refused"])
