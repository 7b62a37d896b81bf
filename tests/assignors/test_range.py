"""RangeAssignor: the vectors of apache/kafka's RangeAssignorTest (rack-less cases)."""

from __future__ import annotations

import pytest

from engine.assignors import RangeAssignor, get
from tests.assignors.helpers import as_sets, sub, tps

range_ = RangeAssignor()


def test_name_and_protocols() -> None:
    assert range_.name == "range"
    assert range_.supported_protocols == ("EAGER",)


def test_one_consumer_no_topic() -> None:
    assert range_.assign({}, {"consumer": sub()}) == {"consumer": []}


def test_one_consumer_nonexistent_topic() -> None:
    assert range_.assign({"topic": 0}, {"consumer": sub("topic")}) == {"consumer": []}
    assert range_.assign({}, {"consumer": sub("topic")}) == {"consumer": []}


def test_one_consumer_one_topic() -> None:
    assert range_.assign({"topic": 3}, {"consumer": sub("topic")}) == {
        "consumer": tps(("topic", 0), ("topic", 1), ("topic", 2))
    }


def test_only_assigns_partitions_from_subscribed_topics() -> None:
    result = range_.assign({"topic": 3, "other": 3}, {"consumer": sub("topic")})
    assert result == {"consumer": tps(("topic", 0), ("topic", 1), ("topic", 2))}


def test_one_consumer_multiple_topics() -> None:
    result = range_.assign({"topic1": 1, "topic2": 2}, {"consumer": sub("topic1", "topic2")})
    assert result == {"consumer": tps(("topic1", 0), ("topic2", 0), ("topic2", 1))}


def test_two_consumers_one_topic_one_partition() -> None:  # R3
    result = range_.assign({"topic": 1}, {"consumer1": sub("topic"), "consumer2": sub("topic")})
    assert result == {"consumer1": tps(("topic", 0)), "consumer2": []}


def test_two_consumers_one_topic_two_partitions() -> None:
    result = range_.assign({"topic": 2}, {"consumer1": sub("topic"), "consumer2": sub("topic")})
    assert result == {"consumer1": tps(("topic", 0)), "consumer2": tps(("topic", 1))}


def test_multiple_consumers_mixed_topics() -> None:  # R2
    result = range_.assign(
        {"topic1": 3, "topic2": 2},
        {
            "consumer1": sub("topic1"),
            "consumer2": sub("topic1", "topic2"),
            "consumer3": sub("topic1"),
        },
    )
    assert result == {
        "consumer1": tps(("topic1", 0)),
        "consumer2": tps(("topic1", 1), ("topic2", 0), ("topic2", 1)),
        "consumer3": tps(("topic1", 2)),
    }


def test_two_consumers_two_topics_six_partitions() -> None:  # R1
    subs = {"consumer1": sub("topic1", "topic2"), "consumer2": sub("topic1", "topic2")}
    result = range_.assign({"topic1": 3, "topic2": 3}, subs)
    assert result == {
        "consumer1": tps(("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)),
        "consumer2": tps(("topic1", 2), ("topic2", 2)),
    }


def test_two_static_consumers_two_topics_six_partitions() -> None:
    # consumer "high" has the smaller instance id, so it sorts first despite its member id
    subs = {
        "consumer-b": sub("topic1", "topic2", instance="instance1"),
        "consumer-a": sub("topic1", "topic2", instance="instance2"),
    }
    result = range_.assign({"topic1": 3, "topic2": 3}, subs)
    assert as_sets(result) == as_sets(
        {
            "consumer-b": tps(("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)),
            "consumer-a": tps(("topic1", 2), ("topic2", 2)),
        }
    )
    assert list(result) == ["consumer-b", "consumer-a"]


def test_one_static_consumer_and_one_dynamic_consumer() -> None:  # R5
    subs = {
        "consumer-b": sub("topic1", "topic2", instance="instance1"),
        "consumer-a": sub("topic1", "topic2"),
    }
    result = range_.assign({"topic1": 3, "topic2": 3}, subs)
    assert result == {
        "consumer-b": tps(("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)),
        "consumer-a": tps(("topic1", 2), ("topic2", 2)),
    }


def _static_group(dynamic: str) -> dict:
    return {
        "consumer1": sub("topic1", "topic2", instance="instance1"),
        "consumer2": sub("topic1", "topic2", instance="instance2"),
        "consumer3": sub("topic1", "topic2", instance="instance3"),
        dynamic: sub("topic1", "topic2"),
    }


def test_static_member_range_assignment_persistent() -> None:  # R4
    expected = {
        "consumer1": tps(("topic1", 0), ("topic1", 1), ("topic2", 0)),
        "consumer2": tps(("topic1", 2), ("topic2", 1)),
        "consumer3": tps(("topic1", 3), ("topic2", 2)),
        "consumer4": tps(("topic1", 4), ("topic2", 3)),
    }
    counts = {"topic1": 5, "topic2": 4}
    assert range_.assign(counts, _static_group("consumer4")) == expected
    # replacing the dynamic member keeps every static member's partitions
    replaced = range_.assign(counts, _static_group("consumer5"))
    assert replaced["consumer5"] == expected["consumer4"]
    assert {m: replaced[m] for m in ("consumer1", "consumer2", "consumer3")} == {
        m: expected[m] for m in ("consumer1", "consumer2", "consumer3")
    }


def test_static_member_range_assignment_persistent_after_member_id_changes() -> None:
    counts = {"topic1": 5, "topic2": 5}
    before = {
        "consumer1": sub("topic1", "topic2", instance="instance1"),
        "consumer2": sub("topic1", "topic2", instance="instance2"),
        "consumer3": sub("topic1", "topic2", instance="instance3"),
    }
    after = {
        "consumer5": sub("topic1", "topic2", instance="instance1"),
        "consumer4": sub("topic1", "topic2", instance="instance2"),
        "consumer6": sub("topic1", "topic2", instance="instance3"),
    }
    first = range_.assign(counts, before)
    second = range_.assign(counts, after)
    by_instance = {before[m].group_instance_id: p for m, p in first.items()}
    assert {after[m].group_instance_id: p for m, p in second.items()} == by_instance


# The non-rack-aware expectations of Kafka's rack tests (members consumer0, consumer1, ...)
ALL3 = ("t1", "t2", "t3")
RACKLESS_VECTORS = [
    (
        "uniform_subscription",
        {"t1": 6, "t2": 7, "t3": 2},
        [ALL3, ALL3, ALL3],
        [
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
    ),
    (
        "non_equal_subscription",
        {"t1": 6, "t2": 7, "t3": 2},
        [ALL3, ALL3, ("t1", "t3")],
        [
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
    ),
    (
        "uniform_partitions",
        {"t1": 5, "t2": 5, "t3": 5},
        [ALL3, ALL3, ALL3],
        [
            "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
            "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
            "t1-4, t2-4, t3-4",
        ],
    ),
    (
        "uniform_partitions_non_equal_subscription",
        {"t1": 5, "t2": 5, "t3": 5},
        [ALL3, ALL3, ("t1", "t3")],
        [
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
    ),
    (
        "co_partitioning_split",
        {"t1": 6, "t2": 6, "t3": 2, "t4": 2},
        [("t1", "t2"), ("t1", "t2"), ("t3", "t4"), ("t3", "t4")],
        [
            "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
            "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
            "t3-0, t4-0",
            "t3-1, t4-1",
        ],
    ),
    (
        "co_partitioning_all",
        {"t1": 6, "t2": 6, "t3": 2, "t4": 2},
        [("t1", "t2", "t3", "t4")] * 4,
        [
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
            "t1-4, t2-4",
            "t1-5, t2-5",
        ],
    ),
    (
        "co_partitioned_same_subscription",
        {"t1": 6, "t2": 6, "t3": 2, "t4": 2, "t5": 4, "t6": 4},
        [tuple(f"t{i}" for i in range(1, 10))] * 3,
        [
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
            "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
        ],
    ),
]


@pytest.mark.parametrize(
    ("counts", "topics", "expected"),
    [v[1:] for v in RACKLESS_VECTORS],
    ids=[v[0] for v in RACKLESS_VECTORS],
)
def test_kafka_rack_tests_without_racks(counts, topics, expected) -> None:
    subs = {f"consumer{i}": sub(*t) for i, t in enumerate(topics)}
    result = range_.assign(counts, subs)
    assert [
        ", ".join(sorted(f"{t}-{p}" for t, p in result[f"consumer{i}"])) for i in range(len(topics))
    ] == expected


def test_javadoc_example() -> None:
    subs = {"C0": sub("t0", "t1"), "C1": sub("t0", "t1")}
    assert get("range").assign({"t0": 3, "t1": 3}, subs) == {
        "C0": tps(("t0", 0), ("t0", 1), ("t1", 0), ("t1", 1)),
        "C1": tps(("t0", 2), ("t1", 2)),
    }


def test_more_consumers_than_partitions_leaves_some_idle() -> None:
    subs = {f"c{i}": sub("t") for i in range(1, 5)}
    assert range_.assign({"t": 3}, subs) == {
        "c1": tps(("t", 0)),
        "c2": tps(("t", 1)),
        "c3": tps(("t", 2)),
        "c4": [],
    }


def test_members_sort_like_java_strings() -> None:
    # Java compares UTF-16 code units: U+FF5E sorts after U+1F600 (a surrogate pair, 0xD83D...)
    subs = {"\uff5e": sub("t"), "\U0001f600": sub("t")}
    assert range_.assign({"t": 2}, subs) == {"\U0001f600": tps(("t", 0)), "\uff5e": tps(("t", 1))}
