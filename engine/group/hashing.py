"""Which ``__consumer_offsets`` partition holds a group, computed as Kafka computes it.

The group coordinator of ``group.id`` is the leader of partition
``Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions``, where ``hashCode`` is
Java's ``String.hashCode`` (over UTF-16 code units, in 32-bit two's complement) and
``Utils.abs`` maps ``Integer.MIN_VALUE`` to 0 instead of overflowing.
"""

from __future__ import annotations

from engine.core.java import string_hash as java_string_hash

__all__ = ["java_abs", "java_string_hash", "partition_for_group"]

_INT_MIN = -(2**31)


def java_abs(n: int) -> int:
    """Kafka's ``Utils.abs``: ``Math.abs`` except that ``Integer.MIN_VALUE`` gives 0."""
    return 0 if n == _INT_MIN else abs(n)


def partition_for_group(group_id: str, num_partitions: int = 50) -> int:
    """The ``__consumer_offsets`` partition of ``group_id`` (and so its coordinator)."""
    return java_abs(java_string_hash(group_id)) % num_partitions
