"""StickyAssignor ("sticky", eager): apache/kafka's StickyAssignorTest and the javadoc examples."""

from __future__ import annotations

import pytest

from engine.assignors import RoundRobinAssignor, StickyAssignor
from tests.assignors.helpers import is_fully_balanced, sub, tps, verify_validity_and_balance

sticky = StickyAssignor()


def test_name_and_protocols() -> None:
    assert sticky.name == "sticky"
    assert sticky.supported_protocols == ("EAGER",)


def test_javadoc_example_1() -> None:  # S2
    counts = {"t0": 2, "t1": 2, "t2": 2, "t3": 2}
    every = tuple(counts)
    subs = {"C0": sub(*every), "C1": sub(*every), "C2": sub(*every)}
    first = sticky.assign(counts, subs)
    assert first == {
        "C0": tps(("t0", 0), ("t1", 1), ("t3", 0)),
        "C1": tps(("t0", 1), ("t2", 0), ("t3", 1)),
        "C2": tps(("t1", 0), ("t2", 1)),
    }
    assert first == RoundRobinAssignor().assign(counts, subs)

    # C1 leaves. The javadoc's text (C0 gets t2p0; C2 gets t0p1, t3p1) predates Kafka's
    # current algorithm; Kafka 4.4's StickyAssignor (checked against its jar) gives this, which
    # keeps every previous assignment just the same.
    after = {m: sub(*every, owned=first[m], generation=1) for m in ("C0", "C2")}
    second = sticky.assign(counts, after)
    assert second == {
        "C0": tps(("t0", 0), ("t3", 0), ("t1", 1), ("t0", 1)),
        "C2": tps(("t1", 0), ("t2", 1), ("t2", 0), ("t3", 1)),
    }
    assert all(set(first[m]) <= set(second[m]) for m in second)
    # round robin would move partitions around instead
    assert RoundRobinAssignor().assign(counts, after) == {
        "C0": tps(("t0", 0), ("t1", 0), ("t2", 0), ("t3", 0)),
        "C2": tps(("t0", 1), ("t1", 1), ("t2", 1), ("t3", 1)),
    }


def test_javadoc_example_2() -> None:  # S3
    counts = {"t0": 1, "t1": 2, "t2": 3}
    subs = {"C0": sub("t0"), "C1": sub("t0", "t1"), "C2": sub("t0", "t1", "t2")}
    first = sticky.assign(counts, subs)
    assert first == {
        "C0": tps(("t0", 0)),
        "C1": tps(("t1", 0), ("t1", 1)),
        "C2": tps(("t2", 0), ("t2", 1), ("t2", 2)),
    }
    after = {m: sub(*subs[m].topics, owned=first[m], generation=1) for m in ("C1", "C2")}
    assert sticky.assign(counts, after) == {
        "C1": tps(("t1", 0), ("t1", 1), ("t0", 0)),
        "C2": tps(("t2", 0), ("t2", 1), ("t2", 2)),
    }


@pytest.mark.parametrize(
    ("partitions", "consumer1"),
    [(3, tps(("topic", 1))), (4, tps(("topic", 1), ("topic", 3)))],
    ids=["equal", "unequal"],
)
def test_owned_partition_invalidated_when_claimed_by_several_in_same_generation(
    partitions, consumer1
) -> None:
    counts = {"topic": partitions}
    subs = {
        "consumer1": sub("topic", owned=tps(("topic", 0), ("topic", 1)), generation=1),
        "consumer2": sub("topic", owned=tps(("topic", 0), ("topic", 2)), generation=1),
        "consumer3": sub("topic", generation=1),
    }
    result = sticky.assign(counts, subs)
    assert result == {
        "consumer1": consumer1,
        "consumer2": tps(("topic", 2)),
        "consumer3": tps(("topic", 0)),
    }
    verify_validity_and_balance(subs, result, counts)


@pytest.mark.parametrize("all_equal", [True, False])
def test_assignment_with_multiple_generations_1(all_equal) -> None:
    every = ("topic", "topic2")
    c2_topics = every if all_equal else ("topic",)
    counts = {"topic": 6, "topic2": 6}
    subs = {"consumer1": sub(*every), "consumer2": sub(*c2_topics), "consumer3": sub(*every)}
    r1 = sticky.assign(counts, subs)
    assert [len(p) for p in r1.values()] == [4, 4, 4]
    verify_validity_and_balance(subs, r1, counts)

    subs = {
        "consumer1": sub(*every, owned=r1["consumer1"], generation=1),
        "consumer2": sub(*c2_topics, owned=r1["consumer2"], generation=1),
    }
    r2 = sticky.assign(counts, subs)
    assert [len(p) for p in r2.values()] == [6, 6]
    if all_equal:
        assert set(r1["consumer1"]) <= set(r2["consumer1"])
    assert set(r1["consumer2"]) <= set(r2["consumer2"])
    assert set(r2["consumer2"]) & set(r1["consumer3"])
    verify_validity_and_balance(subs, r2, counts)

    subs = {
        "consumer2": sub(*c2_topics, owned=r2["consumer2"], generation=2),
        "consumer3": sub(*every, owned=r1["consumer3"], generation=1),
    }
    r3 = sticky.assign(counts, subs)
    assert [len(p) for p in r3.values()] == [6, 6]
    assert not set(r3["consumer2"]) & set(r3["consumer3"])
    verify_validity_and_balance(subs, r3, counts)
    assert is_fully_balanced(r3)


@pytest.mark.parametrize("all_equal", [True, False])
def test_assignment_with_multiple_generations_2(all_equal) -> None:
    every = ("topic", "topic2", "topic3")
    c1_topics = every if all_equal else ("topic",)
    c3_topics = every if all_equal else ("topic", "topic2")
    counts = {"topic": 4, "topic2": 4, "topic3": 4}
    subs = {"consumer1": sub(*c1_topics), "consumer2": sub(*every), "consumer3": sub(*c3_topics)}
    r1 = sticky.assign(counts, subs)
    assert [len(p) for p in r1.values()] == [4, 4, 4]

    subs = {"consumer2": sub(*every, owned=r1["consumer2"], generation=1)}
    r2 = sticky.assign(counts, subs)
    assert len(r2["consumer2"]) == 12
    assert set(r1["consumer2"]) <= set(r2["consumer2"])

    subs = {
        "consumer1": sub(*c1_topics, owned=r1["consumer1"], generation=1),
        "consumer2": sub(*every, owned=r2["consumer2"], generation=2),
        "consumer3": sub(*c3_topics, owned=r1["consumer3"], generation=1),
    }
    r3 = sticky.assign(counts, subs)
    assert [len(p) for p in r3.values()] == [4, 4, 4]
    verify_validity_and_balance(subs, r3, counts)


@pytest.mark.parametrize("all_equal", [True, False])
def test_assignment_with_conflicting_previous_generations(all_equal) -> None:
    every = ("topic", "topic2", "topic3")
    c1_topics = every if all_equal else ("topic",)
    c2_topics = every if all_equal else ("topic", "topic2")
    counts = {"topic": 4, "topic2": 4, "topic3": 4}
    c1_owned = (
        tps(("topic", 0), ("topic", 1), ("topic", 2), ("topic2", 2), ("topic2", 3), ("topic3", 0))
        if all_equal
        else tps(("topic", 0), ("topic", 1), ("topic", 2), ("topic", 3))
    )
    c2_owned = tps(
        ("topic", 0), ("topic", 1), ("topic2", 0), ("topic2", 1), ("topic2", 2), ("topic2", 3)
    )
    c3_owned = tps(
        ("topic", 2), ("topic", 3), ("topic3", 0), ("topic3", 1), ("topic3", 2), ("topic3", 3)
    )
    subs = {
        "consumer1": sub(*c1_topics, owned=c1_owned, generation=1),
        "consumer2": sub(*c2_topics, owned=c2_owned, generation=2),
        "consumer3": sub(*every, owned=c3_owned, generation=2),
    }
    result = sticky.assign(counts, subs)
    assert [len(p) for p in result.values()] == [4, 4, 4]
    assert set(result["consumer2"]) <= set(c2_owned)
    assert set(result["consumer3"]) <= set(c3_owned)
    verify_validity_and_balance(subs, result, counts)


def test_schema_backward_compatibility() -> None:
    # consumer2's user data has the old schema: partitions but no generation
    counts = {"topic": 3}
    subs = {
        "consumer1": sub("topic", owned=tps(("topic", 0), ("topic", 2)), generation=1),
        "consumer2": sub("topic", owned=tps(("topic", 1))),
        "consumer3": sub("topic"),
    }
    result = sticky.assign(counts, subs)
    assert [len(p) for p in result.values()] == [1, 1, 1]
    assert set(result["consumer1"]) <= {("topic", 0), ("topic", 2)}
    assert result["consumer2"] == tps(("topic", 1))


def test_assignor_with_old_version_subscriptions() -> None:
    counts = {"topic1": 3}
    subs = {
        "consumer1": sub("topic1", owned=tps(("topic1", 0)), generation=1),
        "consumer2": sub("topic1", owned=tps(("topic1", 1)), generation=1),
        "consumer3": sub("topic1", generation=1),
    }
    assert sticky.assign(counts, subs) == {
        "consumer1": tps(("topic1", 0)),
        "consumer2": tps(("topic1", 1)),
        "consumer3": tps(("topic1", 2)),
    }


def test_owned_partitions_are_read_grouped_by_topic_in_java_order() -> None:
    # "t9" and "t11" share a HashMap bucket; computeIfAbsent puts the later one first
    counts = {"t0": 40, "t9": 40, "t11": 40, "t5": 1}
    subs = {
        "a": sub("t0", "t9", "t11", owned=tps(("t0", 23), ("t11", 28), ("t9", 17)), generation=1),
        "b": sub("t5"),
    }
    assert StickyAssignor().plan(counts, subs).builder == "general"
    assert sticky.assign(counts, subs)["a"][:3] == tps(("t9", 17), ("t11", 28), ("t0", 23))


def test_owned_partitions_are_read_grouped_by_topic() -> None:
    # The previous assignment travels in user data grouped by topic (a Java HashMap), so the
    # order in which a member keeps them follows that grouping, not the order given.
    counts = {"t0": 6, "t1": 3}
    subs = {
        "a": sub("t0", "t1", owned=tps(("t1", 2), ("t0", 5)), generation=2),
        "b": sub(),
        "d": sub(owned=tps(("t1", 0), ("t0", 5)), instance="i-d"),
    }
    assert sticky.assign(counts, subs)["a"][:2] == tps(("t0", 5), ("t1", 2))
