"""Kafka's member order: static members first (by group.instance.id), then by member id."""

from __future__ import annotations

from engine.assignors import Subscription, member_sort_key, sorted_members


def test_static_first_then_member_id() -> None:
    subs = {
        "consumer-a": Subscription(["t"]),
        "consumer-z": Subscription(["t"], group_instance_id="instance1"),
        "consumer-b": Subscription(["t"], group_instance_id="instance0"),
        "Consumer-c": Subscription(["t"]),
    }
    assert sorted_members(subs) == ["consumer-b", "consumer-z", "Consumer-c", "consumer-a"]
    assert sorted_members(subs, ["consumer-a", "consumer-z"]) == ["consumer-z", "consumer-a"]


def test_sort_key() -> None:
    assert member_sort_key("m", "i") < member_sort_key("a", None)
    assert member_sort_key("a", None) < member_sort_key("b", None)
