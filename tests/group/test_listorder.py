"""The ListGroups order: Kafka's shard map and per-shard group tables."""

from __future__ import annotations

from engine.core import Cluster
from engine.core.java import int32, topic_partition_hash
from engine.group.hashing import java_string_hash
from engine.group.listorder import (
    concurrent_map_capacity,
    shard_order,
    shards_order,
    timeline_slot,
    timeline_table_size,
)


def test_timeline_table_grows_at_three_quarters_and_starts_at_two() -> None:
    assert [timeline_table_size(n) for n in (0, 1, 2, 3, 4, 5, 6, 12, 21, 22)] == [
        2, 2, 2, 4, 4, 4, 8, 16, 16, 32]


def test_timeline_slot_takes_the_top_bits_of_the_fibonacci_product() -> None:
    h = java_string_hash("g")
    product = (h * -7046029254386353131) & ((1 << 64) - 1)
    assert timeline_slot(h, 2) == product >> 63
    assert timeline_slot(h, 16) == product >> 60
    assert timeline_slot(h, 16) >> 3 == timeline_slot(h, 2)


def test_a_shard_lists_the_last_inserted_first_within_a_slot() -> None:
    groups = ["a", "b", "c", "d", "e"]
    size = timeline_table_size(len(groups))
    slots = [timeline_slot(java_string_hash(g), size) for g in groups]
    ordered = shard_order(groups, peak=0)
    assert sorted(ordered) == groups
    keys = [(slots[groups.index(g)], -groups.index(g)) for g in ordered]
    assert keys == sorted(keys)


def test_the_shard_map_of_a_four_partition_offsets_topic() -> None:
    # ConcurrentHashMap buckets of TopicPartition("__consumer_offsets", p).hashCode()
    assert topic_partition_hash("t", 0) == int32(31 * 31 + java_string_hash("t"))
    assert shards_order("__consumer_offsets", range(4)) == [0, 3, 1, 2]


def test_the_shard_map_doubles_when_the_count_reaches_three_quarters() -> None:
    # 12 shards fill 3/4 of 16 buckets, so ConcurrentHashMap already has 32.
    assert concurrent_map_capacity(11) == 16
    assert concurrent_map_capacity(12) == 32


def test_response_order_lists_every_group_once() -> None:
    cluster = Cluster(brokers=3, configs={"offsets.topic.num.partitions": "4"})
    cluster.create_topic("t")
    names = [f"g{n}" for n in range(20)]
    for name in names:
        cluster.groups.commit_offsets(name, {("t", 0): 0})
    listed = [g.group_id for g in cluster.groups.list_groups(response_order=True)]
    assert sorted(listed) == sorted(names)
    assert [g.group_id for g in cluster.groups.list_groups()] == sorted(names)
