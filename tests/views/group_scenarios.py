"""Scripted consumer-group scenarios shared by the group, offsets and lag view tests."""

from __future__ import annotations

from typing import Any

import engine


def poll_all(consumers: list[Any], rounds: int = 40, timeout_ms: int = 100) -> None:
    """Every consumer polls ``rounds`` times in turn (each runs its own poll loop)."""
    for _ in range(rounds):
        for consumer in consumers:
            if not consumer.closed:
                consumer.poll(timeout_ms)


def two_member_group(strategy: str, seed: int = 0) -> tuple[engine.Cluster, list[Any]]:
    """Consumer ``a`` owns all 3 partitions of ``t``; then ``b`` joins and they rebalance."""
    c = engine.Cluster(seed=seed)
    c.create_topic("t", partitions=3)
    a = c.consumer("t", group_id="g", client_id="a", partition_assignment_strategy=[strategy])
    a.poll(5000)
    b = c.consumer("t", group_id="g", client_id="b", partition_assignment_strategy=[strategy])
    poll_all([a, b])
    return c, [a, b]


def four_on_three(seed: int = 0) -> tuple[engine.Cluster, list[Any]]:
    """Four consumers of one group on a topic with three partitions."""
    c = engine.Cluster(seed=seed)
    c.create_topic("t", partitions=3)
    consumers = [c.consumer("t", group_id="g", client_id=f"c{i}",
                            group_instance_id=f"i{i}") for i in range(4)]
    poll_all(consumers, rounds=60)
    return c, consumers


def static_restart(seed: int = 3) -> tuple[engine.Cluster, list[Any]]:
    """Two static members; ``b`` crashes and ``b2`` takes over its ``group.instance.id``,
    then everyone closes."""
    c = engine.Cluster(seed=seed)
    c.create_topic("t", partitions=4)
    a = c.consumer("t", group_id="g", client_id="a", group_instance_id="i-a")
    b = c.consumer("t", group_id="g", client_id="b", group_instance_id="i-b")
    poll_all([a, b], rounds=50)
    b.crash()
    b2 = c.consumer("t", group_id="g", client_id="b2", group_instance_id="i-b")
    poll_all([a, b2], rounds=50)
    a.close()
    poll_all([b2], rounds=20)
    return c, [a, b, b2]
