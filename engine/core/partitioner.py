"""How a producer picks a partition: explicit, custom, by key, or sticky without a key.

This mirrors ``KafkaProducer.partition()`` and ``BuiltInPartitioner`` (KIP-794) in
Kafka 4.x's Java client:

1. a partition set on the record wins;
2. else a custom partitioner, if one is configured, decides;
3. else a record with a key goes to ``toPositive(murmur2(key)) % partitions``;
4. else the record goes to the topic's current *sticky* partition, which changes to a
   randomly chosen one after about ``batch.size`` bytes.

Before Kafka 2.4, keyless records went round-robin; 2.4 to 3.2 switched partition when
a batch was sent (KIP-480). Since 3.3 the switch happens after ``batch.size`` bytes.
"""

from __future__ import annotations

import random
from typing import Protocol, runtime_checkable

from engine.core.errors import IllegalArgumentError, KafkaTimeoutError
from engine.core.murmur2 import murmur2

DEFAULT_BATCH_SIZE = 16384
"""The producer's ``batch.size`` default, which is also the sticky partitioner's stride."""

_HASH_CACHE_LIMIT = 1 << 16
_hash_cache: dict[bytes, int] = {}


def positive_hash(key: bytes) -> int:
    """``toPositive(murmur2(key))``, memoised: hot keys are hashed once."""
    value = _hash_cache.get(key)
    if value is None:
        if len(_hash_cache) >= _HASH_CACHE_LIMIT:
            _hash_cache.clear()
        value = _hash_cache[key] = murmur2(key) & 0x7FFFFFFF
    return value


@runtime_checkable
class Partitioner(Protocol):
    """A custom partitioner, like a Java class set as ``partitioner.class``.

    ``partition`` gets the serialized key and value (``None`` when absent) and the
    topic's partition count, and returns a partition number.
    """

    def partition(
        self, topic: str, key: bytes | None, value: bytes | None, num_partitions: int
    ) -> int: ...


class StickyPartitioner:
    """The built-in choice for keyless records (``BuiltInPartitioner``), for one topic.

    It keeps producing to one partition until ``batch_size`` bytes went there and the
    batch could be sent (``enable_switch``), or ``2 * batch_size`` bytes in any case;
    then it draws the next partition uniformly from the available ones with the
    cluster's seeded random source. The new partition may equal the old one, as in Kafka.
    """

    def __init__(self, rng: random.Random, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self._rng = rng
        self.batch_size = batch_size
        self.current: int | None = None
        self.produced_bytes = 0

    def partition(self, num_partitions: int, available: list[int] | None = None) -> int:
        """The partition for the next keyless record."""
        if self.current is None or self.current >= num_partitions:
            self._next(num_partitions, available)
        assert self.current is not None
        return self.current

    def update(
        self, appended_bytes: int, num_partitions: int, enable_switch: bool = True,
        available: list[int] | None = None,
    ) -> bool:
        """Count bytes appended to the sticky partition; return True if it switched."""
        self.produced_bytes += appended_bytes
        if (self.produced_bytes >= self.batch_size and enable_switch) or (
            self.produced_bytes >= 2 * self.batch_size
        ):
            self._next(num_partitions, available)
            return True
        return False

    def _next(self, num_partitions: int, available: list[int] | None) -> None:
        random_int = self._rng.getrandbits(31)  # toPositive(ThreadLocalRandom.nextInt())
        if available:
            self.current = available[random_int % len(available)]
        else:
            self.current = random_int % num_partitions
        self.produced_bytes = 0


def check_partition(topic: str, partition: int, num_partitions: int) -> None:
    """Reject a partition number the way Kafka's Java producer does.

    A negative number fails in ``ProducerRecord``. A number past the last partition
    makes the real producer wait ``max.block.ms`` (60 s) for metadata that never
    comes; the engine raises the same timeout at once, without moving the clock.
    """
    if isinstance(partition, bool) or not isinstance(partition, int):
        raise IllegalArgumentError(f"Invalid partition: {partition!r}. A partition is an int.")
    if partition < 0:
        raise IllegalArgumentError(
            f"Invalid partition: {partition}. "
            "Partition number should always be non-negative or null."
        )
    if partition >= num_partitions:
        raise KafkaTimeoutError(
            f"Partition {partition} of topic {topic} with partition count {num_partitions} "
            "is not present in metadata after 60000 ms."
        )


def custom_partition(
    partitioner: Partitioner, topic: str, key: bytes | None, value: bytes | None,
    num_partitions: int,
) -> int:
    """Ask a custom partitioner, and check its answer the way ``KafkaProducer`` does."""
    result = partitioner.partition(topic, key, value, num_partitions)
    if not isinstance(result, int) or isinstance(result, bool):
        raise IllegalArgumentError(
            f"The partitioner returned {result!r}; a partition must be an int."
        )
    if result < 0:
        raise IllegalArgumentError(
            f"The partitioner generated an invalid partition number: {result}. "
            "Partition number should always be non-negative."
        )
    check_partition(topic, result, num_partitions)
    return result
