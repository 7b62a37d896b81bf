"""Java's string order, String.hashCode and HashMap/HashSet iteration order (values from a JVM)."""

from __future__ import annotations

import pytest

from engine.assignors.java import (
    JavaHashSet,
    compare_key,
    compute_if_absent_order,
    string_hash,
    string_hash_order,
    topic_partition_hash,
)
from engine.core.records import TopicPartition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a", 97),
        ("consumer1", -421004549),
        ("topic", 110546223),
        ("polygenelubricants", -2147483648),
        ("\u00e9t\u00e9", 227742),
        ("\U0001f600", 1772899),
    ],
)
def test_string_hash_matches_java(text, expected) -> None:
    assert string_hash(text) == expected


def test_topic_partition_hash_matches_java() -> None:
    assert topic_partition_hash(TopicPartition("topic", 7)) == 110547401


def test_hash_map_order_matches_java_including_resize() -> None:
    keys = [f"consumer-{i}" for i in range(20)]
    expected = "consumer-11,consumer-10,consumer-6,consumer-17,consumer-5,consumer-16,consumer-4,consumer-19,consumer-3,consumer-18,consumer-2,consumer-13,consumer-1,consumer-12,consumer-0,consumer-15,consumer-14,consumer-9,consumer-8,consumer-7"  # noqa: E501
    assert string_hash_order(keys) == expected.split(",")


def test_hash_map_order_keeps_insertion_order_within_a_bucket() -> None:
    # "Aa" and "BB" have the same hash code
    assert string_hash_order(["c", "b", "a", "Aa", "BB"]) == ["Aa", "BB", "a", "b", "c"]
    assert string_hash_order(["BB", "Aa"]) == ["BB", "Aa"]


def test_hash_set_of_topic_partitions_iterates_like_java() -> None:
    found: JavaHashSet[TopicPartition] = JavaHashSet(topic_partition_hash)
    for p in range(20):
        found.add(TopicPartition("t", p))
    found.remove(TopicPartition("t", 3))
    found.add(TopicPartition("x", 1))
    expected = [TopicPartition("t", p) for p in range(19, -1, -1) if p != 3]
    assert list(found) == [*expected, TopicPartition("x", 1)]
    assert found.first() == TopicPartition("t", 19)
    assert len(found) == 20 and TopicPartition("x", 1) in found


def test_compare_key_orders_by_utf16_units() -> None:
    assert sorted(["b", "a", "B"], key=compare_key) == ["B", "a", "b"]
    assert compare_key("\U0001f600") < compare_key("\uff5e")


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (13, "11,10,9,8,7,6,5,4,3,2,12,1,0"),
        (14, "11,10,6,5,4,3,13,2,12,1,0,9,8,7"),
        (20, "11,10,17,6,16,5,19,4,18,3,13,2,12,1,15,0,14,9,8,7"),
    ],
)
def test_compute_if_absent_order_matches_java(count, expected) -> None:
    # computeIfAbsent links new entries at the head of a bucket and resizes before inserting
    keys = [f"consumer-{i}" for i in range(count)]
    assert compute_if_absent_order(keys) == [f"consumer-{n}" for n in expected.split(",")]
    assert compute_if_absent_order(["c", "Aa", "b", "BB", "a"]) == ["BB", "Aa", "a", "b", "c"]


def test_every_string_hash_is_the_one_in_engine_core_java() -> None:
    from engine.cli import hashorder
    from engine.core import java as core_java
    from engine.group import hashing

    for text in ("", "hello", "polygenelubricants", "\U0001F600"):
        assert hashing.java_string_hash(text) == string_hash(text) == core_java.string_hash(text)
        assert hashorder.string_hash(text) == core_java.string_hash(text) & 0xFFFFFFFF
