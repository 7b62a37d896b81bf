"""A deterministic, pure-Python simulation of an Apache Kafka 4.x cluster, for learning.

The package has three layers, each in its own folder:

* ``engine.core``: the simulation (cluster, partition logs, partitioner, simulated clock);
* ``engine.journal``: the append-only record of everything the core did;
* ``engine.views``: widgets and diagrams that read the journal and the core's state.

Clients sit beside the core: ``engine.producer``, ``engine.consumer`` and ``engine.admin`` are
aiokafka-shaped clients of an engine cluster, and ``engine.client.connect`` hands a lesson
those clients, or real aiokafka ones for a real Kafka (see :mod:`engine.client`).

Importing ``engine`` loads no view code; the views need JupyterLab's packages.
"""

from engine import errors
from engine.client import connect
from engine.core import (
    Cluster,
    ConsumerRecord,
    PartitionDescription,
    Partitioner,
    RecordMetadata,
    TopicDescription,
    TopicPartition,
    murmur2,
    partition_for_key,
    to_positive,
)
from engine.journal import Event, Journal

__version__ = "0.1.0"

__all__ = [
    "Cluster",
    "ConsumerRecord",
    "Event",
    "Journal",
    "PartitionDescription",
    "Partitioner",
    "RecordMetadata",
    "TopicDescription",
    "TopicPartition",
    "connect",
    "errors",
    "murmur2",
    "partition_for_key",
    "to_positive",
]
