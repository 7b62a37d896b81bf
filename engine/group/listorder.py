"""The order of a ListGroups answer: how Kafka 4.4's coordinators hand their groups out.

A broker answers ListGroups with the groups of every ``__consumer_offsets`` partition it
leads (a coordinator "shard"), shard after shard, in the order of the runtime's
``ConcurrentHashMap<TopicPartition, ...>`` of shards; each shard lists its groups in the
order of its ``TimelineHashMap``:

- ``ConcurrentHashMap``: bucket ``(h ^ (h >>> 16)) & (n - 1)`` of
  ``TopicPartition.hashCode`` ``h``; the table starts at 16 buckets and doubles when the
  count reaches three quarters of it.
- ``TimelineHashMap`` (``BaseHashTable``): slot = the top bits of
  ``String.hashCode * -7046029254386353131`` (Knuth's multiplicative hashing), slots in
  order, and within a slot the last inserted first. The table starts at 2 slots, doubles
  when an insert would take it past a load of 0.75, and never shrinks, so its size
  follows from the most groups the shard ever held at once.

With several brokers the admin client concatenates the answers as they arrive; the
engine takes the brokers in id order. (``kafka-consumer-groups`` then passes the listing
through a ``HashMap``: see :mod:`engine.cli.consumer_groups`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.core.java import hash_order, int32, string_hash, topic_partition_hash

_FIBONACCI = -7046029254386353131
_U64 = (1 << 64) - 1


def timeline_table_size(peak: int) -> int:
    """The slot count of a ``TimelineHashMap`` that has held at most ``peak`` entries."""
    size = 2
    while peak * 0.75 > size:
        size *= 2
    return size


def timeline_slot(hash_code: int, table_size: int) -> int:
    """``BaseHashTable.findSlot``: the top ``log2(table_size)`` bits of the product."""
    bits = table_size.bit_length() - 1
    return ((int32(hash_code) * _FIBONACCI) & _U64) >> (64 - bits)


def shard_order(group_ids: Sequence[str], peak: int) -> list[str]:
    """One shard's groups (given in insertion order) in its ``TimelineHashMap`` order."""
    size = timeline_table_size(max(peak, len(group_ids)))
    slots: dict[int, list[str]] = {}
    for group_id in group_ids:
        slots.setdefault(timeline_slot(string_hash(group_id), size), []).append(group_id)
    return [g for slot in sorted(slots) for g in reversed(slots[slot])]


def concurrent_map_capacity(count: int) -> int:
    """The table size of a default ``ConcurrentHashMap`` after ``count`` puts: 16 buckets,
    doubled whenever the count reaches three quarters of the table."""
    size = 16
    while count >= size * 3 // 4:
        size *= 2
    return size


def shards_order(topic: str, partitions: Iterable[int]) -> list[int]:
    """Partitions (in insertion order) in ``ConcurrentHashMap<TopicPartition, ...>`` order."""
    partitions = list(partitions)
    return hash_order(partitions, lambda partition: topic_partition_hash(topic, partition),
                      concurrent_map_capacity(len(partitions)))
