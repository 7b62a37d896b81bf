"""Kafka's ``RangeAssignor`` (``"range"``): contiguous ranges of each topic, topic by topic.

For each topic on its own, the members that subscribe to it are put in Kafka's member order
(static members first by ``group.instance.id``, then by member id) and the topic's partitions,
in order, are cut into ranges of ``P // C`` partitions; the first ``P % C`` members get one
more. Topics with the same partition count and subscribers are therefore "co-partitioned":
the same member reads partition ``n`` of each. Kafka's rack-aware variant is not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.assignors.base import AbstractPartitionAssignor, RebalanceProtocol
from engine.assignors.ordering import sorted_members, sorted_partitions_key
from engine.assignors.subscription import Subscription
from engine.core.records import TopicPartition


class RangeAssignor(AbstractPartitionAssignor):
    """Range assignment per topic (eager). Each member's list is sorted by topic, partition."""

    name = "range"
    supported_protocols = (RebalanceProtocol.EAGER,)

    def assign_partitions(
        self, partitions_per_topic: dict[str, int], subscriptions: Mapping[str, Subscription]
    ) -> dict[str, list[TopicPartition]]:
        assignment: dict[str, list[TopicPartition]] = {member: [] for member in subscriptions}
        for topic, count in partitions_per_topic.items():
            consumers = sorted_members(
                subscriptions, [m for m, sub in subscriptions.items() if topic in sub.topics]
            )
            if not consumers:
                continue
            per_consumer, extra = divmod(count, len(consumers))
            start = 0
            for index, consumer in enumerate(consumers):
                length = per_consumer + (1 if index < extra else 0)
                assignment[consumer].extend(
                    TopicPartition(topic, p) for p in range(start, start + length)
                )
                start += length
        for partitions in assignment.values():
            partitions.sort(key=sorted_partitions_key)
        return assignment
