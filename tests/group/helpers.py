"""Shared helpers for the group coordinator tests: a cluster and raw protocol calls."""

from __future__ import annotations

from typing import Any

from engine import Cluster
from engine.assignors import Subscription
from engine.group.state import Pending


def new_cluster(partitions: int = 3, seed: int = 7) -> Cluster:
    cluster = Cluster(brokers=1, seed=seed)
    cluster.create_topic("t", partitions=partitions)
    return cluster


def join(cluster: Cluster, group: str = "g", member_id: str = "", *,
         client_id: str = "c", instance: str | None = None, topics: tuple[str, ...] = ("t",),
         session_timeout_ms: int = 10000, rebalance_timeout_ms: int = 60000,
         protocols: list[tuple[str, Any]] | None = None, owned: tuple[Any, ...] = (),
         generation: int = -1) -> Pending:
    subscription = Subscription(topics, owned_partitions=owned, generation=generation,
                                group_instance_id=instance)
    return cluster.groups.join_group(
        group, member_id, group_instance_id=instance, client_id=client_id,
        client_host="/127.0.0.1", session_timeout_ms=session_timeout_ms,
        rebalance_timeout_ms=rebalance_timeout_ms, protocol_type="consumer",
        protocols=protocols or [("range", subscription)])


def state(cluster: Cluster, group: str = "g") -> str:
    return cluster.groups.group_state(group)


def kinds(cluster: Cluster, *wanted: str) -> list[str]:
    return [e.kind for e in cluster.journal if not wanted or e.kind in wanted]
