"""Kafka's ``RoundRobinAssignor`` (``"roundrobin"``): deal all partitions out like cards.

All partitions of all subscribed topics, sorted by topic then partition, are dealt in turn
to the members in Kafka's member order (static members first by ``group.instance.id``, then
by member id); a member that does not subscribe to a partition's topic is skipped for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.assignors.base import AbstractPartitionAssignor, RebalanceProtocol
from engine.assignors.java import compare_key
from engine.assignors.ordering import sorted_members
from engine.assignors.subscription import Subscription
from engine.core.records import TopicPartition


class RoundRobinAssignor(AbstractPartitionAssignor):
    """Round-robin over all partitions and all members (eager)."""

    name = "roundrobin"
    supported_protocols = (RebalanceProtocol.EAGER,)

    def assign_partitions(
        self, partitions_per_topic: dict[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        assignment: dict[str, list[TopicPartition]] = {member: [] for member in subscriptions}
        members = sorted_members(subscriptions)
        position = 0  # Kafka's CircularIterator over the sorted members
        for topic in sorted(partitions_per_topic, key=compare_key):
            for partition in range(partitions_per_topic[topic]):
                while topic not in subscriptions[members[position]].topics:
                    position = (position + 1) % len(members)
                assignment[members[position]].append(TopicPartition(topic, partition))
                position = (position + 1) % len(members)
        return assignment
