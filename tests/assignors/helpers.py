"""Shared helpers for the assignor tests: short spellings and Kafka's property checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.assignors import Subscription, TopicPartition


def tp(topic: str, partition: int) -> TopicPartition:
    return TopicPartition(topic, partition)


def tps(*pairs: tuple[str, int]) -> list[TopicPartition]:
    return [TopicPartition(t, p) for t, p in pairs]


def sub(
    *topics: str,
    owned: Iterable[TopicPartition] = (),
    generation: int = -1,
    instance: str | None = None,
) -> Subscription:
    return Subscription(topics, tuple(owned), generation, instance)


def as_sets(assignment: Mapping[str, list[TopicPartition]]) -> dict[str, set[TopicPartition]]:
    return {member: set(partitions) for member, partitions in assignment.items()}


def is_fully_balanced(assignment: Mapping[str, list[TopicPartition]]) -> bool:
    sizes = [len(p) for p in assignment.values()]
    return not sizes or max(sizes) - min(sizes) <= 1


def verify_validity_and_balance(
    subscriptions: Mapping[str, Subscription],
    assignment: Mapping[str, list[TopicPartition]],
    partitions_per_topic: Mapping[str, int],
) -> None:
    """Kafka's ``verifyValidityAndBalance``: subscribed topics only, no partition twice, and
    no partition that could move to a member with 2+ fewer partitions."""
    assert set(assignment) == set(subscriptions)
    members = sorted(assignment)
    for i, member in enumerate(members):
        mine = assignment[member]
        assert len(set(mine)) == len(mine), f"{member} holds a partition twice"
        for partition in mine:
            assert partition.topic in subscriptions[member].topics, (member, partition)
        for other in members[i + 1 :]:
            theirs = assignment[other]
            assert not set(mine) & set(theirs), (member, other, set(mine) & set(theirs))
            if abs(len(mine) - len(theirs)) <= 1:
                continue
            more, less = (mine, theirs) if len(mine) > len(theirs) else (theirs, mine)
            less_topics = {p.topic for p in less}
            for partition in more:
                assert partition.topic not in less_topics, (
                    f"{partition} could move for a better balance: {dict(assignment)}"
                )


def verify_all_assigned(
    assignment: Mapping[str, list[TopicPartition]],
    partitions_per_topic: Mapping[str, int],
    subscriptions: Mapping[str, Subscription],
) -> None:
    """Every partition of a subscribed topic is assigned exactly once."""
    subscribed = {t for s in subscriptions.values() for t in s.topics}
    expected = {
        TopicPartition(t, p)
        for t, n in partitions_per_topic.items()
        if t in subscribed
        for p in range(n)
    }
    given = [p for parts in assignment.values() for p in parts]
    assert len(given) == len(set(given))
    assert set(given) == expected
