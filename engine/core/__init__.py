"""The simulation core: cluster, logs, partitioner, clock. It imports no widget code."""

from engine.core.cluster import Cluster
from engine.core.metadata import ClusterMetadata, MetadataCache, PartitionMetadata
from engine.core.murmur2 import murmur2, partition_for_key, to_positive
from engine.core.partitioner import Partitioner
from engine.core.records import (
    BrokerDescription,
    ConsumerRecord,
    PartitionDescription,
    RecordMetadata,
    ReplicaDescription,
    TopicDescription,
    TopicPartition,
)

__all__ = [
    "BrokerDescription",
    "Cluster",
    "ClusterMetadata",
    "ConsumerRecord",
    "MetadataCache",
    "PartitionDescription",
    "PartitionMetadata",
    "Partitioner",
    "RecordMetadata",
    "ReplicaDescription",
    "TopicDescription",
    "TopicPartition",
    "murmur2",
    "partition_for_key",
    "to_positive",
]
