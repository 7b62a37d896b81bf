"""Java's ``hashCode`` and ``HashMap`` iteration order, for outputs that follow them.

Kafka prints or walks several collections in the order a ``java.util.HashMap`` (or
``HashSet``/``ConcurrentHashMap``) hands them out. That order is a function of the keys:
bucket ``(h ^ (h >>> 16)) & (capacity - 1)`` of the key's ``hashCode`` ``h``, then insertion
order within a bucket. This module is the one home of ``String.hashCode``,
``TopicPartition.hashCode`` and that bucket order; callers work out the table capacity
from how their map was created and filled.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def int32(value: int) -> int:
    """``value`` wrapped to a signed 32-bit Java ``int``."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def string_hash(text: str) -> int:
    """Java's ``String.hashCode()``: ``s[0]*31^(n-1) + ... + s[n-1]`` over UTF-16 code units,
    as a signed int32."""
    data = text.encode("utf-16-be", "surrogatepass")
    value = 0
    for index in range(0, len(data), 2):
        value = (value * 31 + (data[index] << 8 | data[index + 1])) & 0xFFFFFFFF
    return int32(value)


def topic_partition_hash(topic: str, partition: int) -> int:
    """Java's ``TopicPartition.hashCode()``: ``31 * (31 + partition) + topic.hashCode()``."""
    return int32(31 * (31 + partition) + string_hash(topic))


def spread(hash_code: int) -> int:
    """``HashMap.hash``: the high half of the hash folded into the low half (unsigned)."""
    unsigned = hash_code & 0xFFFFFFFF
    return unsigned ^ (unsigned >> 16)


def capacity_after_puts(size: int) -> int:
    """The table size of a default ``new HashMap<>()`` after ``size`` distinct puts (16
    buckets, doubled when the size passes three quarters; a ``HashMap`` never shrinks)."""
    capacity = 16
    while size > capacity * 0.75:
        capacity *= 2
    return capacity


def hash_set_copy_capacity(size: int) -> int:
    """The table size of ``new HashSet<>(collection)`` for ``size`` elements: the map is made
    with ``max((int) (size / .75f) + 1, 16)`` and rounded up to a power of two."""
    wanted = max(int(size / 0.75) + 1, 16)
    capacity = 1
    while capacity < wanted:
        capacity *= 2
    return capacity


def java_list(items: Iterable[object]) -> str:
    """A Java collection's ``toString()``: ``[a, b]`` (no quotes around strings)."""
    return "[" + ", ".join(str(item) for item in items) + "]"


def hash_order(keys: Iterable[K], hash_code: Callable[[K], int], capacity: int) -> list[K]:
    """``keys`` (distinct, in insertion order) in the iteration order of a ``HashMap`` of
    ``capacity`` buckets: by bucket ``spread(hash) & (capacity - 1)``, then insertion order
    (``put`` appends to a bucket's list, and resizes keep that order)."""
    mask = capacity - 1
    indexed = [(spread(hash_code(key)) & mask, position, key)
               for position, key in enumerate(keys)]
    indexed.sort(key=lambda entry: (entry[0], entry[1]))
    return [key for _, _, key in indexed]
