"""The iteration order of a ``java.util.HashMap`` with ``String`` keys.

Kafka's tools print some collections in the order a ``HashMap`` hands them out: topics of
``kafka-topics --describe`` (the admin result map) and topic configs in ``Configs:``
(the broker's config map). That order is a function of the keys: bucket
``(h ^ (h >>> 16)) & (capacity - 1)`` of ``String.hashCode`` ``h``, then insertion order
within a bucket. The capacity follows from how the map was created and filled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.core import java


def string_hash(text: str) -> int:
    """Java's ``String.hashCode`` (over UTF-16 code units), as an unsigned 32-bit int."""
    return java.string_hash(text) & 0xFFFFFFFF


def _table_size_for(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


def capacity(count: int, initial_capacity: int | None = None) -> int:
    """The table size after ``count`` puts into ``new HashMap<>(initial_capacity)``."""
    table = 16 if initial_capacity is None else max(1, _table_size_for(initial_capacity))
    while count > int(table * 0.75):
        table *= 2
    return table


def hashmap_order(
    keys: Iterable[Any], initial_capacity: int | None = None, *, table_size: int | None = None,
    hash_code: Callable[[Any], int] | None = None,
) -> list[Any]:
    """``keys`` (distinct, in insertion order) in the order the ``HashMap`` iterates them.

    ``table_size`` fixes the table size (for a map that holds more keys than are asked
    about); otherwise it follows from ``initial_capacity`` and the number of keys.
    """
    keys = list(keys)
    table = table_size or capacity(len(keys), initial_capacity)
    return java.hash_order(keys, hash_code or string_hash, table)


def topic_partition_hash(topic: str, partition: int) -> int:
    """``TopicPartition.hashCode()``: ``31 * (31 + partition) + topic.hashCode()``, unsigned."""
    return java.topic_partition_hash(topic, partition) & 0xFFFFFFFF


def copy_capacity(count: int) -> int:
    """The table size of ``new HashMap<>(other)`` for a map of ``count`` entries."""
    return _table_size_for(int(count / 0.75 + 1.0)) if count else 1


def copied_map_order(keys: Iterable[str]) -> list[str]:
    """The order of a ``HashMap`` made by copying a map of ``keys`` (``putMapEntries``).

    ``kafka-topics --describe`` prints topics in this order: the admin client's result
    map ``allTopicNames()`` is such a copy.
    """
    keys = list(keys)
    return hashmap_order(keys, table_size=copy_capacity(len(keys)))
