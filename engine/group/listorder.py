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

from engine.group.hashing import java_string_hash

_FIBONACCI = -7046029254386353131
_U64 = (1 << 64) - 1


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def timeline_table_size(peak: int) -> int:
    """The slot count of a ``TimelineHashMap`` that has held at most ``peak`` entries."""
    size = 2
    while peak * 0.75 > size:
        size *= 2
    return size


def timeline_slot(hash_code: int, table_size: int) -> int:
    """``BaseHashTable.findSlot``: the top ``log2(table_size)`` bits of the product."""
    bits = table_size.bit_length() - 1
    return ((_int32(hash_code) * _FIBONACCI) & _U64) >> (64 - bits)


def shard_order(group_ids: Sequence[str], peak: int) -> list[str]:
    """One shard's groups (given in insertion order) in its ``TimelineHashMap`` order."""
    size = timeline_table_size(max(peak, len(group_ids)))
    slots: dict[int, list[str]] = {}
    for group_id in group_ids:
        slots.setdefault(timeline_slot(java_string_hash(group_id), size), []).append(group_id)
    return [g for slot in sorted(slots) for g in reversed(slots[slot])]


def topic_partition_hash(topic: str, partition: int) -> int:
    """``TopicPartition.hashCode()``: ``31 * (31 + partition) + topic.hashCode()``."""
    return (31 * (31 + partition) + java_string_hash(topic)) & 0xFFFFFFFF


def shards_order(topic: str, partitions: Iterable[int]) -> list[int]:
    """Partitions (in insertion order) in ``ConcurrentHashMap<TopicPartition, ...>`` order."""
    partitions = list(partitions)
    size = 16
    while len(partitions) >= size * 3 // 4:
        size *= 2

    def bucket(partition: int) -> int:
        h = topic_partition_hash(topic, partition)
        return ((h ^ (h >> 16)) & 0x7FFFFFFF) & (size - 1)

    return [p for _, p in sorted(enumerate(partitions), key=lambda item: (bucket(item[1]),
                                                                           item[0]))]
