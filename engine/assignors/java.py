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

from engine.core import java
from engine.core.java import capacity_after_puts, string_hash
from engine.core.java import spread as _spread
from engine.core.records import TopicPartition

K = TypeVar("K", bound=Hashable)

_DEFAULT_CAPACITY = 16
_LOAD_FACTOR = 0.75


def compare_key(text: str) -> bytes:
    """A sort key that orders strings as Java's ``String.compareTo`` does (by UTF-16 unit)."""
    return text.encode("utf-16-be", "surrogatepass")


def topic_partition_hash(tp: TopicPartition) -> int:
    """Java's ``TopicPartition.hashCode()``: ``31 * (31 + partition) + topic.hashCode()``."""
    return java.topic_partition_hash(tp.topic, tp.partition)


def hash_order(
    keys: Iterable[K], hash_code: Callable[[K], int], capacity: int | None = None
) -> list[K]:
    """The iteration order of a ``HashMap``/``HashSet`` that received ``keys`` in this order
    (``capacity`` defaults to that of a ``new HashMap<>()`` after those puts)."""
    items = list(keys)
    size = capacity if capacity is not None else capacity_after_puts(len(items))
    return java.hash_order(items, hash_code, size)


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
