"""The assignor contract and the base class a learner builds an assignor on."""

from __future__ import annotations

import random

import pytest

from engine.assignors import (
    AbstractPartitionAssignor,
    PartitionAssignor,
    RebalanceProtocol,
    Subscription,
    TopicPartition,
    get,
)
from tests.assignors.helpers import sub


class EverythingToTheLast(AbstractPartitionAssignor):
    name = "everything-to-the-last"

    def __init__(self) -> None:
        self.seen: list[tuple[dict, dict]] = []

    def assign_partitions(self, partitions_per_topic, subscriptions):
        self.seen.append((partitions_per_topic, dict(subscriptions)))
        last = sorted(subscriptions)[-1]
        return {
            last: [
                TopicPartition(t, p)
                for t in subscriptions[last].topics
                for p in range(partitions_per_topic.get(t, 0))
            ]
        }


def test_base_trims_topics_and_fills_every_member() -> None:
    mine = EverythingToTheLast()
    result = mine.assign({"t": 2, "empty": 0, "unused": 5}, {"b": sub("t", "empty"), "a": sub("t")})
    assert result == {"a": [], "b": [TopicPartition("t", 0), TopicPartition("t", 1)]}
    assert mine.seen[0][0] == {"t": 2}
    assert isinstance(mine, PartitionAssignor)
    assert mine.supported_protocols == (RebalanceProtocol.EAGER,) == ("EAGER",)
    assert repr(mine) == "EverythingToTheLast(name='everything-to-the-last')"


def test_no_members_gives_an_empty_assignment() -> None:
    for name in ("range", "roundrobin", "sticky", "cooperative-sticky"):
        assert get(name).assign({"t": 3}, {}) == {}


def test_base_class_needs_assign_partitions() -> None:
    class Incomplete(AbstractPartitionAssignor):
        name = "incomplete"

    with pytest.raises(TypeError):
        Incomplete()  # type: ignore[abstract]


def test_protocol_is_structural() -> None:
    class Duck:
        name = "duck"
        supported_protocols = ("EAGER",)

        def assign(self, partitions_per_topic, subscriptions):
            return {m: [] for m in subscriptions}

    assert isinstance(Duck(), PartitionAssignor)
    assert get(Duck()).name == "duck"


@pytest.mark.parametrize("name", ["range", "roundrobin", "sticky", "cooperative-sticky"])
def test_result_does_not_depend_on_the_order_members_are_given(name) -> None:
    rng = random.Random(7)
    counts = {"t0": 5, "t1": 3, "t2": 8}
    for _ in range(30):
        members = [f"consumer-{i}" for i in range(rng.randint(1, 6))]
        subs = {}
        for member in members:
            topics = rng.sample(list(counts), rng.randint(1, 3))
            owned = [
                TopicPartition(t, p) for t in topics for p in range(counts[t]) if rng.random() < 0.2
            ]
            subs[member] = Subscription(topics, owned, rng.choice([-1, 1, 2]))
        shuffled = dict(rng.sample(list(subs.items()), len(subs)))
        assert get(name).assign(counts, subs) == get(name).assign(counts, shuffled)
        assert list(get(name).assign(counts, shuffled)) == sorted(members)
