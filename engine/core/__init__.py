"""The simulation core: cluster, logs, partitioner, clock. It imports no widget code."""

from engine.core.cluster import Cluster
from engine.core.murmur2 import murmur2, partition_for_key, to_positive
from engine.core.partitioner import Partitioner
from engine.core.records import (
    ConsumerRecord,
    PartitionDescription,
    RecordMetadata,
    TopicDescription,
    TopicPartition,
)

__all__ = [
    "Cluster",
    "ConsumerRecord",
    "PartitionDescription",
    "Partitioner",
    "RecordMetadata",
    "TopicDescription",
    "TopicPartition",
    "murmur2",
    "partition_for_key",
    "to_positive",
]
