"""Choosing a record's partition in the producer client, as ``KafkaProducer.partition()``.

1. ``partition=`` on the send wins (checked with Kafka's texts);
2. else a custom ``partitioner``, called as aiokafka calls it:
   ``partitioner(key_bytes, all_partitions, available_partitions)``;
3. else a keyed record goes to ``toPositive(murmur2(key)) % partitions``;
4. else the built-in sticky partitioner (KIP-794) picks one partition per topic and
   switches after ``batch.size`` bytes, once that partition's batches are full.

The sticky state is **per producer**, as in Java (each ``KafkaProducer`` has its own
``BuiltInPartitioner`` per topic); its random draws come from a ``random.Random``
seeded with the cluster's seed and the producer's ``client_id``, so runs repeat and
two producers do not share choices. (``Cluster.produce`` keeps one sticky partitioner per
topic instead, as if all its calls came from one producer.)
"""

from __future__ import annotations

import random
from collections.abc import Callable

from engine.core.errors import IllegalArgumentError
from engine.core.partitioner import StickyPartitioner, check_partition, positive_hash

CustomPartitioner = Callable[[bytes | None, list[int], list[int]], int]


class ProducerPartitioner:
    """One producer's partition choice, with its own sticky state per topic."""

    def __init__(self, seed: str, batch_size: int,
                 custom: CustomPartitioner | None = None) -> None:
        self._rng = random.Random(seed)
        self._batch_size = batch_size
        self._custom = custom
        self._sticky: dict[str, StickyPartitioner] = {}

    def partition(self, topic: str, key: bytes | None, partition: int | None,
                  num_partitions: int, available: list[int] | None) -> int:
        """The partition for one record (``available`` is None when all have a leader)."""
        if partition is not None:
            check_partition(topic, partition, num_partitions)
            return partition
        if self._custom is not None:
            everything = list(range(num_partitions))
            result = self._custom(key, everything,
                                  everything if available is None else list(available))
            if isinstance(result, bool) or not isinstance(result, int):
                raise IllegalArgumentError(
                    f"The partitioner returned {result!r}; a partition must be an int.")
            check_partition(topic, result, num_partitions)
            return result
        if key is not None:
            return positive_hash(key) % num_partitions
        return self.sticky(topic).partition(num_partitions, available)

    def sticky(self, topic: str) -> StickyPartitioner:
        sticky = self._sticky.get(topic)
        if sticky is None:
            sticky = self._sticky[topic] = StickyPartitioner(self._rng, self._batch_size)
        return sticky

    def uses_sticky(self, key: bytes | None, partition: int | None) -> bool:
        return partition is None and self._custom is None and key is None
