"""Subscription: a frozen value that normalises its fields."""

from __future__ import annotations

import dataclasses

import pytest

from engine.assignors import DEFAULT_GENERATION, Subscription, TopicPartition


def test_defaults_mirror_kafka() -> None:
    subscription = Subscription(["t"])
    assert subscription.topics == ("t",)
    assert subscription.owned_partitions == ()
    assert subscription.generation == DEFAULT_GENERATION == -1
    assert subscription.group_instance_id is None


def test_normalises_lists_and_pairs() -> None:
    subscription = Subscription(["t", "u", "t"], [("t", 0), TopicPartition("u", 1)], 3, "i1")
    assert subscription.topics == ("t", "u")
    assert subscription.owned_partitions == (TopicPartition("t", 0), TopicPartition("u", 1))
    assert all(isinstance(p, TopicPartition) for p in subscription.owned_partitions)
    assert subscription == Subscription(("t", "u"), (("t", 0), ("u", 1)), 3, "i1")


def test_is_frozen_and_hashable() -> None:
    subscription = Subscription(["t"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        subscription.generation = 2  # type: ignore[misc]
    assert hash(subscription) == hash(Subscription(("t",)))


def test_refuses_a_bare_string_and_bad_generation() -> None:
    with pytest.raises(TypeError):
        Subscription("topic")
    with pytest.raises(TypeError):
        Subscription(["t"], generation="1")  # type: ignore[arg-type]
