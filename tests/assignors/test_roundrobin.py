"""RoundRobinAssignor: the vectors of apache/kafka's RoundRobinAssignorTest and its javadoc."""

from __future__ import annotations

from engine.assignors import RoundRobinAssignor
from tests.assignors.helpers import sub, tps

rr = RoundRobinAssignor()


def test_name_and_protocols() -> None:
    assert rr.name == "roundrobin"
    assert rr.supported_protocols == ("EAGER",)


def test_one_consumer_no_topic() -> None:
    assert rr.assign({}, {"consumer": sub()}) == {"consumer": []}


def test_one_consumer_nonexistent_topic() -> None:
    assert rr.assign({}, {"consumer": sub("topic")}) == {"consumer": []}


def test_one_consumer_one_topic() -> None:
    assert rr.assign({"topic": 3}, {"consumer": sub("topic")}) == {
        "consumer": tps(("topic", 0), ("topic", 1), ("topic", 2))
    }


def test_only_assigns_partitions_from_subscribed_topics() -> None:
    assert rr.assign({"topic": 3, "other": 3}, {"consumer": sub("topic")}) == {
        "consumer": tps(("topic", 0), ("topic", 1), ("topic", 2))
    }


def test_one_consumer_multiple_topics() -> None:
    assert rr.assign({"topic1": 1, "topic2": 2}, {"consumer": sub("topic1", "topic2")}) == {
        "consumer": tps(("topic1", 0), ("topic2", 0), ("topic2", 1))
    }


def test_two_consumers_one_topic_one_partition() -> None:
    assert rr.assign({"topic": 1}, {"consumer1": sub("topic"), "consumer2": sub("topic")}) == {
        "consumer1": tps(("topic", 0)),
        "consumer2": [],
    }


def test_two_consumers_one_topic_two_partitions() -> None:
    assert rr.assign({"topic": 2}, {"consumer1": sub("topic"), "consumer2": sub("topic")}) == {
        "consumer1": tps(("topic", 0)),
        "consumer2": tps(("topic", 1)),
    }


def test_multiple_consumers_mixed_topics() -> None:  # RR2
    result = rr.assign(
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


def test_two_dynamic_consumers_two_topics_six_partitions() -> None:  # RR1
    subs = {"consumer1": sub("topic1", "topic2"), "consumer2": sub("topic1", "topic2")}
    assert rr.assign({"topic1": 3, "topic2": 3}, subs) == {
        "consumer1": tps(("topic1", 0), ("topic1", 2), ("topic2", 1)),
        "consumer2": tps(("topic1", 1), ("topic2", 0), ("topic2", 2)),
    }


def test_two_static_consumers_two_topics_six_partitions() -> None:
    subs = {
        "consumer-b": sub("topic1", "topic2", instance="instance1"),
        "consumer-a": sub("topic1", "topic2", instance="instance2"),
    }
    assert rr.assign({"topic1": 3, "topic2": 3}, subs) == {
        "consumer-b": tps(("topic1", 0), ("topic1", 2), ("topic2", 1)),
        "consumer-a": tps(("topic1", 1), ("topic2", 0), ("topic2", 2)),
    }


def test_one_static_consumer_and_one_dynamic_consumer() -> None:
    subs = {
        "consumer-b": sub("topic1", "topic2", instance="instance1"),
        "consumer-a": sub("topic1", "topic2"),
    }
    assert rr.assign({"topic1": 3, "topic2": 3}, subs) == {
        "consumer-b": tps(("topic1", 0), ("topic1", 2), ("topic2", 1)),
        "consumer-a": tps(("topic1", 1), ("topic2", 0), ("topic2", 2)),
    }


def _static(dynamic: str) -> dict:
    subs = {f"consumer{i}": sub("topic1", "topic2", instance=f"instance{i}") for i in (1, 2, 3)}
    subs[dynamic] = sub("topic1", "topic2")
    return subs


def test_static_member_round_robin_assignment_persistent() -> None:  # RR3
    counts = {"topic1": 3, "topic2": 3}
    expected = {
        "consumer1": tps(("topic1", 0), ("topic2", 1)),
        "consumer2": tps(("topic1", 1), ("topic2", 2)),
        "consumer3": tps(("topic1", 2)),
        "consumer4": tps(("topic2", 0)),
    }
    assert rr.assign(counts, _static("consumer4")) == expected
    expected["consumer5"] = expected.pop("consumer4")
    assert rr.assign(counts, _static("consumer5")) == expected


def test_static_member_assignment_persistent_after_member_id_changes() -> None:
    counts = {"topic1": 5, "topic2": 5}
    before = {f"consumer{i}": sub("topic1", "topic2", instance=f"instance{i}") for i in (1, 2, 3)}
    after = {
        "consumer5": sub("topic1", "topic2", instance="instance1"),
        "consumer4": sub("topic1", "topic2", instance="instance2"),
        "consumer6": sub("topic1", "topic2", instance="instance3"),
    }
    first = {before[m].group_instance_id: p for m, p in rr.assign(counts, before).items()}
    second = {after[m].group_instance_id: p for m, p in rr.assign(counts, after).items()}
    assert first == second


def test_javadoc_example() -> None:  # RR4
    subs = {"C0": sub("t0"), "C1": sub("t0", "t1"), "C2": sub("t0", "t1", "t2")}
    assert rr.assign({"t0": 1, "t1": 2, "t2": 3}, subs) == {
        "C0": tps(("t0", 0)),
        "C1": tps(("t1", 0)),
        "C2": tps(("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2)),
    }


def test_javadoc_identical_subscriptions() -> None:
    subs = {"C0": sub("t0", "t1"), "C1": sub("t0", "t1")}
    assert rr.assign({"t0": 3, "t1": 3}, subs) == {
        "C0": tps(("t0", 0), ("t0", 2), ("t1", 1)),
        "C1": tps(("t0", 1), ("t1", 0), ("t1", 2)),
    }
