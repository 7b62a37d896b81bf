"""Java's orderings, re-created so that the assignors decide exactly as Kafka's Java client does.

Kafka's assignors sort member ids and topic names with ``String.compareTo`` (UTF-16 code
units, not Unicode code points) and, in a few places, walk a ``java.util.HashMap`` or
``HashSet`` whose order comes from ``String.hashCode``. Where that order changes the result,
the engine walks its maps in the same order, so that it reproduces what a real group leader
computes for the same member ids.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Generic, TypeVar

from engine.core.records import TopicPartition

K = TypeVar("K", bound=Hashable)

_DEFAULT_CAPACITY = 16
_LOAD_FACTOR = 0.75


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def compare_key(text: str) -> bytes:
    """A sort key that orders strings as Java's ``String.compareTo`` does (by UTF-16 unit)."""
    return text.encode("utf-16-be", "surrogatepass")


def string_hash(text: str) -> int:
    """Java's ``String.hashCode()``: ``s[0]*31^(n-1) + ... + s[n-1]`` over UTF-16 units, int32."""
    data = compare_key(text)
    value = 0
    for index in range(0, len(data), 2):
        value = (value * 31 + (data[index] << 8 | data[index + 1])) & 0xFFFFFFFF
    return _int32(value)


def topic_partition_hash(tp: TopicPartition) -> int:
    """Java's ``TopicPartition.hashCode()``: ``31 * (31 + partition) + topic.hashCode()``."""
    return _int32(31 * (31 + tp.partition) + string_hash(tp.topic))


def _spread(hash_code: int) -> int:
    """``HashMap.hash``: the high half of the hash folded into the low half."""
    unsigned = hash_code & 0xFFFFFFFF
    return unsigned ^ (unsigned >> 16)


def capacity_after_puts(size: int) -> int:
    """The table size of a default ``new HashMap<>()`` after ``size`` distinct puts."""
    capacity = _DEFAULT_CAPACITY
    while size > capacity * _LOAD_FACTOR:
        capacity *= 2
    return capacity


def hash_order(
    keys: Iterable[K], hash_code: Callable[[K], int], capacity: int | None = None
) -> list[K]:
    """The iteration order of a ``HashMap``/``HashSet`` that received ``keys`` in this order.

    Entries are visited by bucket (``spread(hash) & (capacity - 1)``) and, within a bucket,
    in insertion order (``put`` appends to a bucket's list, and resizes keep that order).
    """
    items = list(keys)
    size = capacity if capacity is not None else capacity_after_puts(len(items))
    mask = size - 1
    indexed = [
        (_spread(hash_code(key)) & mask, position, key) for position, key in enumerate(items)
    ]
    indexed.sort(key=lambda entry: (entry[0], entry[1]))
    return [key for _, _, key in indexed]


def string_hash_order(keys: Iterable[str]) -> list[str]:
    """The iteration order of a ``HashMap<String, ?>`` filled with ``keys`` in this order."""
    return hash_order(keys, string_hash)


def compute_if_absent_order(keys: Iterable[str]) -> list[str]:
    """The iteration order of a ``HashMap<String, ?>`` filled by ``computeIfAbsent``.

    Unlike ``put``, ``computeIfAbsent`` links a new entry at the *head* of its bucket, and
    grows the table before an insertion that finds it over the threshold (not after one).
    """
    items = list(dict.fromkeys(keys))
    capacity = _DEFAULT_CAPACITY
    for size in range(len(items)):  # the size before each insertion
        if size > capacity * _LOAD_FACTOR:
            capacity *= 2
    mask = capacity - 1
    indexed = [
        (_spread(string_hash(key)) & mask, -position, key) for position, key in enumerate(items)
    ]
    indexed.sort(key=lambda entry: (entry[0], entry[1]))
    return [key for _, _, key in indexed]


class JavaHashSet(Generic[K]):
    """A set that iterates like a ``java.util.HashSet`` built by the same adds and removes.

    Only what the sticky assignor needs: add, remove, membership, size and ``first()``
    (``set.iterator().next()`` in Java).
    """

    def __init__(self, hash_code: Callable[[K], int]) -> None:
        self._hash_code = hash_code
        self._sequence: dict[K, int] = {}
        self._next = 0
        self._capacity = _DEFAULT_CAPACITY

    def add(self, item: K) -> None:
        if item in self._sequence:
            return
        self._sequence[item] = self._next
        self._next += 1
        if len(self._sequence) > self._capacity * _LOAD_FACTOR:
            self._capacity *= 2

    def remove(self, item: K) -> None:
        self._sequence.pop(item, None)

    def __contains__(self, item: object) -> bool:
        return item in self._sequence

    def __len__(self) -> int:
        return len(self._sequence)

    def __iter__(self) -> Iterator[K]:
        mask = self._capacity - 1
        ordered = sorted(
            self._sequence.items(),
            key=lambda entry: (_spread(self._hash_code(entry[0])) & mask, entry[1]),
        )
        return iter([item for item, _ in ordered])

    def first(self) -> K:
        return next(iter(self))
