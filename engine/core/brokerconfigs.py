"""Broker configs the engine reads, with Kafka 4.x's defaults.

``BROKER_DEFAULTS`` are the values a broker has when ``server.properties`` says nothing;
``QUICKSTART_SERVER_PROPERTIES`` are what Kafka's own ``config/server.properties``
sets for a single-node quickstart.
"""

from __future__ import annotations

_LONG_MAX = str(2**63 - 1)


BROKER_DEFAULTS: dict[str, str] = {
    # Topics (ServerLogConfigs, ReplicationConfigs, ServerConfigs)
    "num.partitions": "1",
    "default.replication.factor": "1",
    "auto.create.topics.enable": "true",
    "delete.topic.enable": "true",
    "min.insync.replicas": "1",
    "unclean.leader.election.enable": "false",
    "message.max.bytes": "1048588",
    "compression.type": "producer",
    "compression.gzip.level": "-1",
    "compression.lz4.level": "9",
    "compression.zstd.level": "3",
    # Logs: segments, retention, cleaning
    "log.dir": "/tmp/kafka-logs",
    "log.segment.bytes": "1073741824",
    "log.roll.hours": "168",
    "log.roll.jitter.hours": "0",
    "log.retention.hours": "168",
    "log.retention.bytes": "-1",
    "log.retention.check.interval.ms": "300000",
    "log.segment.delete.delay.ms": "60000",
    "log.index.size.max.bytes": "10485760",
    "log.index.interval.bytes": "4096",
    "log.flush.interval.messages": _LONG_MAX,
    "log.flush.scheduler.interval.ms": _LONG_MAX,
    "log.preallocate": "false",
    "log.cleanup.policy": "delete",
    "log.cleaner.enable": "true",
    "log.cleaner.backoff.ms": "15000",
    "log.cleaner.delete.retention.ms": "86400000",
    "log.cleaner.min.cleanable.ratio": "0.5",
    "log.cleaner.min.compaction.lag.ms": "0",
    "log.cleaner.max.compaction.lag.ms": _LONG_MAX,
    "log.message.timestamp.type": "CreateTime",
    "log.message.timestamp.before.max.ms": _LONG_MAX,
    "log.message.timestamp.after.max.ms": "3600000",
    "log.local.retention.ms": "-2",
    "log.local.retention.bytes": "-2",
    "num.recovery.threads.per.data.dir": "2",
    # Replication and KRaft liveness
    "replica.lag.time.max.ms": "30000",
    "broker.heartbeat.interval.ms": "2000",
    "broker.session.timeout.ms": "9000",
    # Internal topics: groups, transactions, share groups
    "offsets.topic.num.partitions": "50",
    "offsets.topic.replication.factor": "3",
    "offsets.topic.segment.bytes": "104857600",
    "offsets.retention.minutes": "10080",
    "offsets.retention.check.interval.ms": "600000",
    "group.initial.rebalance.delay.ms": "3000",
    "transaction.state.log.num.partitions": "50",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "share.coordinator.state.topic.num.partitions": "50",
    "share.coordinator.state.topic.replication.factor": "3",
    "share.coordinator.state.topic.min.isr": "2",
}
"""Kafka 4.1's defaults of the broker configs the engine uses, as strings."""

BROKER_CONFIGS_WITHOUT_DEFAULT = frozenset(
    {"log.retention.ms", "log.retention.minutes", "log.roll.ms", "log.roll.jitter.ms",
     "log.flush.interval.ms"}
)
"""Broker configs that exist but are unset (``null``) by default; when set they take
precedence over their hours/minutes/scheduler synonyms."""

QUICKSTART_SERVER_PROPERTIES: dict[str, str] = {
    "node.id": "1",
    "num.partitions": "1",
    "num.recovery.threads.per.data.dir": "1",
    "offsets.topic.replication.factor": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "log.retention.hours": "168",
    "log.segment.bytes": "1073741824",
    "log.retention.check.interval.ms": "300000",
}
"""What Kafka's shipped ``config/server.properties`` sets (besides listeners and dirs)."""
