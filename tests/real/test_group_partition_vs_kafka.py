"""Differential test: which ``__consumer_offsets`` partition a group's commits go to.

Kafka puts a group in partition ``abs(groupId.hashCode()) % offsets.topic.num.partitions``.
For a few group ids (ASCII, accented, outside the BMP), aiokafka commits an offset on the
real broker; the test then finds the commit record (its key holds the group id) in the
partition the engine predicts for the broker's partition count.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from engine import Cluster

pytestmark = pytest.mark.realkafka

OFFSETS = "__consumer_offsets"


async def _commit_and_find(bootstrap: str, groups: list[str]) -> tuple[int, dict[str, int]]:
    topic = f"group-hash-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    found: dict[str, int] = {}
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        for group in groups:
            committer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                         enable_auto_commit=False)
            await committer.start()
            try:
                tp = TopicPartition(topic, 0)
                committer.assign([tp])
                await committer.commit({tp: 0})
            finally:
                await committer.stop()
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            described = await admin.describe_topics([OFFSETS])
        finally:
            await admin.close()
        partitions = sorted(p["partition"] for p in described[0]["partitions"])
        tps = [TopicPartition(OFFSETS, p) for p in partitions]
        ends = await reader.end_offsets(tps)
        reader.assign(tps)
        for tp in tps:
            reader.seek(tp, max(ends[tp] - 1000, 0))
        wanted = {g.encode(): g for g in groups}
        for _ in range(100):
            positions = {tp: await reader.position(tp) for tp in tps}
            if all(positions[tp] >= ends[tp] for tp in tps):
                break
            batch = await reader.getmany(timeout_ms=2000)
            for tp, records in batch.items():
                for record in records:
                    for raw, group in wanted.items():
                        if record.key and raw in record.key and topic.encode() in record.key:
                            found[group] = tp.partition
        return len(partitions), found
    finally:
        await reader.stop()


def test_group_partition_matches_kafka(real_kafka: str) -> None:
    suffix = uuid.uuid4().hex[:6]
    groups = [f"group-{suffix}", f"été-{suffix}", f"\U0001F600-{suffix}", f"g{suffix}x",
              *(f"app-{i}-{suffix}" for i in range(12))]
    count, found = asyncio.run(_commit_and_find(real_kafka, groups))
    engine = Cluster(brokers=1, configs={"offsets.topic.num.partitions": count})
    for group in groups:
        assert found.get(group) == engine.groups.offsets_topic.partition_for(group), group
