"""The ``__consumer_offsets`` topic: where group metadata and committed offsets live.

Kafka creates this compacted internal topic the first time a client looks for a group
coordinator (FindCoordinator). It has ``offsets.topic.num.partitions`` (50) partitions
and ``offsets.topic.replication.factor`` replicas; a group lives in partition
``abs(hashCode(group.id)) % 50`` and its coordinator is that partition's leader.

Records are real records in the log. Their keys and values are JSON (Kafka's own are a
binary schema), with sorted keys so the log is deterministic:

* offset commit: key ``{"group", "partition", "topic"}``, value ``{"commit_timestamp",
  "leader_epoch", "metadata", "offset"}``; a tombstone (``None`` value) when the offset
  expires or the group is deleted;
* group metadata: key ``{"group"}``, value ``{"current_state_timestamp", "generation",
  "leader", "members", "protocol", "protocol_type"}``; a tombstone when the group goes.

The engine deliberately differs in one place: Kafka refuses to create the topic while
the cluster has fewer brokers than ``offsets.topic.replication.factor`` (default 3), and
consumers wait forever; the engine uses ``min(replication factor, brokers)`` so that a
one-broker teaching cluster works like Kafka's quickstart (which sets it to 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.core.errors import CoordinatorNotAvailableError, KafkaError
from engine.core.names import GROUP_METADATA_TOPIC_NAME
from engine.core.records import TopicPartition
from engine.group.hashing import partition_for_group
from engine.group.state import OffsetAndMetadata

if TYPE_CHECKING:
    from engine.core.cluster import Cluster

OFFSETS_TOPIC = GROUP_METADATA_TOPIC_NAME
OFFSETS_TOPIC_CONFIGS = {"cleanup.policy": "compact", "compression.type": "producer"}
"""The topic configs Kafka sets on ``__consumer_offsets`` (plus ``segment.bytes`` from
``offsets.topic.segment.bytes``)."""


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def offset_key(group_id: str, tp: TopicPartition) -> str:
    return _json({"group": group_id, "topic": tp.topic, "partition": tp.partition})


def offset_value(om: OffsetAndMetadata) -> str:
    return _json({"offset": om.offset, "leader_epoch": om.leader_epoch,
                  "metadata": om.metadata, "commit_timestamp": om.commit_timestamp})


def group_key(group_id: str) -> str:
    return _json({"group": group_id})


class OffsetsTopic:
    """Creates ``__consumer_offsets`` on first use and appends the coordinator's records."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    @property
    def num_partitions(self) -> int:
        return int(self._cluster.broker_config("offsets.topic.num.partitions"))

    def exists(self) -> bool:
        return self._cluster.has_topic(OFFSETS_TOPIC)

    def ensure(self) -> bool:
        """Create the topic if it does not exist yet; return True if it was created now."""
        if self.exists():
            return False
        cluster = self._cluster
        rf = min(int(cluster.broker_config("offsets.topic.replication.factor")),
                 len(cluster.brokers))
        configs = {**OFFSETS_TOPIC_CONFIGS,
                   "segment.bytes": cluster.broker_config("offsets.topic.segment.bytes")}
        cluster._create_internal_topic(OFFSETS_TOPIC, self.num_partitions, rf, configs)
        return True

    def partition_for(self, group_id: str) -> int:
        return partition_for_group(group_id, self.num_partitions)

    def coordinator_for(self, group_id: str) -> int | None:
        """The broker id leading the group's partition (the group coordinator), or
        ``None`` while that partition has no leader."""
        return self._cluster.partition_leader(OFFSETS_TOPIC, self.partition_for(group_id))

    def append(self, group_id: str, records: Iterable[tuple[str, str | None]]) -> int:
        """Append key/value records to the group's partition; return the first offset.

        A failed append (its leader is down) raises ``CoordinatorNotAvailableError``,
        which is what a client hears from a coordinator that cannot write."""
        batch = list(records)
        try:
            metadata = self._cluster.produce_batch(
                OFFSETS_TOPIC, batch, partition=self.partition_for(group_id))
        except KafkaError as error:  # e.g. the partition's leader is down
            raise CoordinatorNotAvailableError() from error
        return metadata[0].offset if metadata else -1

    def append_offsets(self, group_id: str,
                       offsets: Mapping[TopicPartition, OffsetAndMetadata | None]) -> int:
        return self.append(group_id, [
            (offset_key(group_id, tp), None if om is None else offset_value(om))
            for tp, om in offsets.items()
        ])

    def append_group(self, group_id: str, value: Mapping[str, Any] | None) -> int:
        return self.append(group_id, [(group_key(group_id),
                                       None if value is None else _json(value))])
