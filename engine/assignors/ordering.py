"""How Kafka's classic assignors order group members (``AbstractPartitionAssignor.MemberInfo``).

Static members (with a ``group.instance.id``) come first, compared by instance id; dynamic
members follow, compared by member id. Strings compare as Java's ``String.compareTo`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.assignors.java import compare_key
from engine.assignors.subscription import Subscription


def member_sort_key(member_id: str, group_instance_id: str | None) -> tuple[int, bytes]:
    """The sort key of one member: ``(0, instance id)`` if static, else ``(1, member id)``."""
    if group_instance_id is not None:
        return (0, compare_key(group_instance_id))
    return (1, compare_key(member_id))


def sorted_members(
    subscriptions: Mapping[str, Subscription], members: Iterable[str] | None = None
) -> list[str]:
    """``members`` (default: all of ``subscriptions``) in Kafka's member order."""
    chosen = subscriptions if members is None else members
    return sorted(
        chosen, key=lambda member: member_sort_key(member, subscriptions[member].group_instance_id)
    )


def sorted_partitions_key(tp: tuple[str, int]) -> tuple[bytes, int]:
    """Kafka's ``TopicPartitionComparator``: by topic (``String.compareTo``), then partition."""
    return (compare_key(tp[0]), tp[1])
